-- Sluice: one rule over one key, the steps every driver shares (90_check, 91_check_all,
-- 92_refund): read the limits and the state, find the denying limits, consume and write, and
-- describe the decision as docs/algorithms.md "Several limits" says.
local LOADERS = { load_FW, load_SL, load_SC, load_TB, load_GC }
local loaded = {}

-- The script's time: ARGV value t, or the server's TIME when it is negative.
local function rule_time(arg)
  local t = tonumber(arg)
  if t < 0 then
    local now = redis.call('TIME')
    t = tonumber(now[1]) * 1000000 + tonumber(now[2])
  end
  return t
end

-- The limits of a rule from ARGV[a] = k and, per limit, its algorithm and parameters (see
-- 90_check.lua), with the state of `key` decoded into them; returns the limits, whether the key
-- exists, and the index of the first ARGV after them.
local function rule_read(a, key)
  local k = tonumber(ARGV[a])
  local limits = {}
  local b = a + 1
  for i = 1, k do
    local code = tonumber(ARGV[b])
    local algo = loaded[code]
    if algo == nil then
      algo = LOADERS[code]()
      loaded[code] = algo
    end
    local L = { algo = algo }
    if code >= 4 then
      -- token bucket, GCRA: burst, rate n / w
      L.B, L.n, L.w = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
      b = b + 4
    else
      -- window algorithms: permits (also the capacity), window
      L.N, L.W = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
      L.B = L.N
      b = b + 3
    end
    if L.algo.init then L.algo.init(L) end
    limits[i] = L
  end
  local raw = redis.call('GET', key)
  if raw then
    local pos = 1
    for i = 1, k do
      pos = limits[i].algo.decode(limits[i], raw, pos)
    end
  end
  return limits, raw ~= false and raw ~= nil, b
end

-- Whether any limit denies a request of `cost` at t, and which (deny[i] == true).
local function rule_deny(limits, t, cost)
  local denied = false
  local deny = {}
  for i = 1, #limits do
    local L = limits[i]
    if cost > L.B or not L.algo.admits(L, t, cost) then
      deny[i] = true
      denied = true
    end
  end
  return denied, deny
end

-- base + delta - t: how far from t a returned time lies (a number, or wide when large)
local function rel(t, base, delta)
  if type(delta) == 'number' then
    local r = (base - t) + delta
    if r < P53 and r > -P53 then return r end
  end
  return wadd(W(base - t), towide(delta))
end

local function relcmp(a, b)
  if type(a) == 'number' and type(b) == 'number' then
    if a < b then return -1 end
    if a > b then return 1 end
    return 0
  end
  return wcmp(towide(a), towide(b))
end

-- Consumes `cost` at t from every limit and writes the state with its TTL (until the last limit
-- is back to initial, in milliseconds, plus padMs).
local function rule_commit(limits, t, cost, key, padMs)
  local parts = {}
  local idle = 0
  for i = 1, #limits do
    local L = limits[i]
    L.algo.consume(L, t, cost)
    parts[i] = L.algo.encode(L)
    local ib, id = L.algo.idle(L)
    local ir = rel(t, ib, id)
    if relcmp(ir, idle) > 0 then idle = ir end
  end
  local ttl = 1125899906842624
  if type(idle) == 'number' then
    ttl = math.floor((idle + 999) / 1000) + padMs
  elseif idle[1] < 2097152 then
    ttl = math.floor((wnum(idle) + 999) / 1000) + padMs
  end
  redis.call('SET', key, table.concat(parts), 'PX', max(1, ttl))
end

-- The decision fields {allowed, index, remaining, resetBase, resetHi, resetLo, allowedBase,
-- allowedHi, allowedLo} (see 90_check.lua) of the limits as they are now: when not denied, the
-- limit with the fewest remaining (ties: later reset, then lower index); when denied, among the
-- denying limits the one that frees last (never beats any time; ties: lower index).
local function rule_describe(limits, t, cost, denied, deny)
  local k = #limits
  if not denied then
    local pick, pickRem, pickBase, pickDelta, pickRel
    for i = 1, k do
      local L = limits[i]
      local rem = L.algo.remaining(L, t)
      local rb, rd = L.algo.reset(L, t)
      local rr = rel(t, rb, rd)
      if pick == nil or rem < pickRem or (rem == pickRem and relcmp(rr, pickRel) > 0) then
        pick, pickRem, pickBase, pickDelta, pickRel = i, rem, rb, rd, rr
      end
    end
    pickDelta = towide(pickDelta)
    return { 1, pick - 1, pickRem, pickBase, pickDelta[1], pickDelta[2], 0, 0, 0 }
  end
  local pick, pickRel, pickBase, pickDelta
  for i = 1, k do
    if deny[i] then
      local L = limits[i]
      local ab, ad, r = -1, 0, nil
      if cost <= L.B then
        ab, ad = L.algo.allowed(L, t, cost)
        r = rel(t, ab, ad)
      end
      if pick == nil or (pickRel ~= nil and (r == nil or relcmp(r, pickRel) > 0)) then
        pick, pickRel, pickBase, pickDelta = i, r, ab, ad
      end
    end
  end
  local L = limits[pick]
  if L.B == 0 then
    return { 0, pick - 1, 0, -1, 0, 0, -1, 0, 0 }
  end
  local rb, rd = L.algo.reset(L, t)
  rd = towide(rd)
  pickDelta = towide(pickDelta)
  return { 0, pick - 1, L.algo.remaining(L, t), rb, rd[1], rd[2], pickBase, pickDelta[1],
    pickDelta[2] }
end
