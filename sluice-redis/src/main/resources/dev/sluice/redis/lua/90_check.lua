-- Sluice check: decides one request against every limit of one rule, atomically.
--
-- KEYS[1]  the (client, rule) state: one string of little-endian int64 fields, limit after limit
-- ARGV[1]  t, microseconds since the epoch; negative: read the server's TIME
-- ARGV[2]  cost (>= 1)
-- ARGV[3]  milliseconds added to the key's TTL (eviction grace and slack)
-- ARGV[4]  the number of limits k, then 6 values per limit:
--          algorithm (1 fixed window, 2 sliding log, 3 sliding counter, 4 token bucket, 5 gcra),
--          N (permits), W (window, us), B (burst; capacity), n = N / gcd(N, W), w = W / gcd(N, W)
--
-- Returns {allowed, index, remaining, resetBase, resetHi, resetLo, allowedBase, allowedHi,
-- allowedLo, t}: resetAt = resetBase + resetHi * 2^32 + resetLo, and likewise allowedAt, added in
-- Java where they fit 64 bits; a base of -1 means never. A denied request writes nothing; an
-- allowed one writes every limit's state and sets the TTL to when the last limit is back to
-- initial, plus the pad.
local LOADERS = { load_FW, load_SL, load_SC, load_TB, load_GC }
local loaded = {}

local t = tonumber(ARGV[1])
if t < 0 then
  local now = redis.call('TIME')
  t = tonumber(now[1]) * 1000000 + tonumber(now[2])
end
local cost = tonumber(ARGV[2])
local padMs = tonumber(ARGV[3])
local k = tonumber(ARGV[4])

local limits = {}
for i = 1, k do
  local a = 4 + (i - 1) * 6
  local code = tonumber(ARGV[a + 1])
  local algo = loaded[code]
  if algo == nil then
    algo = LOADERS[code]()
    loaded[code] = algo
  end
  local L = {
    algo = algo,
    N = tonumber(ARGV[a + 2]), W = tonumber(ARGV[a + 3]), B = tonumber(ARGV[a + 4]),
    n = tonumber(ARGV[a + 5]), w = tonumber(ARGV[a + 6]),
  }
  if L.algo.init then L.algo.init(L) end
  limits[i] = L
end

local raw = redis.call('GET', KEYS[1])
if raw then
  local pos = 1
  for i = 1, k do
    pos = limits[i].algo.decode(limits[i], raw, pos)
  end
end

local denied = false
local deny = {}
for i = 1, k do
  local L = limits[i]
  if cost > L.B or not L.algo.admits(L, t, cost) then
    deny[i] = true
    denied = true
  end
end

-- base + delta - t: how far from t a returned time lies (a number, or wide when large)
local function rel(base, delta)
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

if not denied then
  local parts = {}
  local idle = 0
  local pick, pickRem, pickBase, pickDelta, pickRel
  for i = 1, k do
    local L = limits[i]
    L.algo.consume(L, t, cost)
    parts[i] = L.algo.encode(L)
    local ib, id = L.algo.idle(L)
    local ir = rel(ib, id)
    if relcmp(ir, idle) > 0 then idle = ir end
    local rem = L.algo.remaining(L, t)
    local rb, rd = L.algo.reset(L, t)
    local rr = rel(rb, rd)
    if pick == nil or rem < pickRem or (rem == pickRem and relcmp(rr, pickRel) > 0) then
      pick, pickRem, pickBase, pickDelta, pickRel = i, rem, rb, rd, rr
    end
  end
  -- TTL: until the last limit is back to initial, in milliseconds, plus the pad
  local ttl = 1125899906842624
  if type(idle) == 'number' then
    ttl = math.floor((idle + 999) / 1000) + padMs
  elseif idle[1] < 2097152 then
    ttl = math.floor((wnum(idle) + 999) / 1000) + padMs
  end
  redis.call('SET', KEYS[1], table.concat(parts), 'PX', max(1, ttl))
  pickDelta = towide(pickDelta)
  return { 1, pick - 1, pickRem, pickBase, pickDelta[1], pickDelta[2], 0, 0, 0, t }
end

local pick, pickRel, pickBase, pickDelta
for i = 1, k do
  if deny[i] then
    local L = limits[i]
    local ab, ad, r = -1, 0, nil
    if cost <= L.B then
      ab, ad = L.algo.allowed(L, t, cost)
      r = rel(ab, ad)
    end
    -- nil is never, which beats any time; ties go to the lower index
    if pick == nil or (pickRel ~= nil and (r == nil or relcmp(r, pickRel) > 0)) then
      pick, pickRel, pickBase, pickDelta = i, r, ab, ad
    end
  end
end
local L = limits[pick]
if L.N == 0 then
  return { 0, pick - 1, 0, -1, 0, 0, -1, 0, 0, t }
end
local rb, rd = L.algo.reset(L, t)
rd = towide(rd)
pickDelta = towide(pickDelta)
return { 0, pick - 1, L.algo.remaining(L, t), rb, rd[1], rd[2], pickBase, pickDelta[1],
  pickDelta[2], t }
