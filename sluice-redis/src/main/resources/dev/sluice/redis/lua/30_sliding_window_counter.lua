-- Sliding window counter (docs/algorithms.md): state S, cur, prev. Absent: S == nil.
-- Java rejects limits with permits * window >= 2^53, so every product below is exact or, when it
-- is only compared, rounded on the right side of the comparison.
local SC = {}

function SC.decode(L, raw, pos)
  L.S, L.cur, L.prev, pos = struct.unpack('<i8i8i8', raw, pos)
  return pos
end

function SC.encode(L)
  return struct.pack('<i8i8i8', L.S, L.cur, L.prev)
end

local function sc_frame(L, t)
  local te = t
  if L.S ~= nil and L.S > te then te = L.S end
  local start = te - math.fmod(te, L.W)
  local cur, prev = 0, 0
  if L.S ~= nil then
    if start == L.S then
      cur, prev = L.cur, L.prev
    elseif start == L.S + L.W then
      prev = L.cur
    end
  end
  return te, start, cur, prev
end

function SC.admits(L, t, c)
  local te, start, cur, prev = sc_frame(L, t)
  local e = te - start
  return prev * (L.W - e) + (cur + c) * L.W <= L.N * L.W
end

function SC.consume(L, t, c)
  local _, start, cur, prev = sc_frame(L, t)
  L.S, L.cur, L.prev = start, cur + c, prev
end

function SC.remaining(L, t)
  local te, start, cur, prev = sc_frame(L, t)
  local e = te - start
  return max(0, idiv(L.N * L.W - prev * (L.W - e) - cur * L.W, L.W))
end

function SC.reset(L, t)
  local te, start, cur, prev = sc_frame(L, t)
  if cur > 0 then return start, 2 * L.W end
  if prev > 0 then return start, L.W end
  return te, 0
end

function SC.allowed(L, t, c)
  local _, start, cur, prev = sc_frame(L, t)
  local spare = L.N - cur - c
  if spare >= 0 and prev > 0 then
    local at = L.W - idiv(spare * L.W, prev)
    if at < L.W then return start, at end
  end
  if cur == 0 then return start, L.W end
  return start, L.W + max(0, L.W - idiv((L.N - c) * L.W, cur))
end

function SC.idle(L)
  if L.cur > 0 then return L.S, 2 * L.W end
  return L.S, L.W
end
