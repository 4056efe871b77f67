-- GCRA (docs/algorithms.md). The theoretical arrival time TAT = A + dq + r/n is kept relative to
-- A, the timestamp of the last allowed request, so that every stored value stays below 2^53 even
-- when TAT runs past 2^53 microseconds: 0 <= dq <= burst * w / n and 0 <= r < n.
-- Absent: A == nil (a TAT before every timestamp).
local GC = {}

function GC.decode(L, raw, pos)
  L.A, L.dq, L.r, pos = struct.unpack('<i8i8i8', raw, pos)
  return pos
end

function GC.encode(L)
  return struct.pack('<i8i8i8', L.A, L.dq, L.r)
end

-- TAT - t in whole microseconds (floor), and whether TAT > t.
local function gc_ahead(L, t)
  if L.A == nil then return 0, false end
  local whole = (L.A - t) + L.dq
  return whole, whole > 0 or (whole == 0 and L.r > 0)
end

-- (TAT - t) * n for TAT > t, or -1 when it exceeds burst * w.
local function gc_scaled(L, whole)
  if whole > idiv(L.B * L.w, L.n) then return -1 end
  return whole * L.n + L.r
end

function GC.admits(L, t, c)
  local whole, after = gc_ahead(L, t)
  local ahead = 0
  if after then ahead = gc_scaled(L, whole) end
  return ahead >= 0 and ahead + c * L.w <= L.B * L.w
end

function GC.consume(L, t, c)
  local whole, after = gc_ahead(L, t)
  local dq, r = 0, 0
  if after then dq, r = whole, L.r end
  local cw = c * L.w
  dq = dq + idiv(cw, L.n)
  r = r + math.fmod(cw, L.n)
  if r >= L.n then
    r = r - L.n
    dq = dq + 1
  end
  L.A, L.dq, L.r = t, dq, r
end

function GC.remaining(L, t)
  local whole, after = gc_ahead(L, t)
  if not after then return L.B end
  local ahead = gc_scaled(L, whole)
  if ahead < 0 then return 0 end
  return max(0, idiv(L.B * L.w - ahead, L.w))
end

function GC.reset(L, t)
  local _, after = gc_ahead(L, t)
  if not after then return t, 0 end
  if L.r > 0 then return L.A, L.dq + 1 end
  return L.A, L.dq
end

function GC.allowed(L, t, c)
  return L.A, L.dq + cdiv(L.r - (L.B - c) * L.w, L.n)
end

function GC.idle(L)
  if L.r > 0 then return L.A, L.dq + 1 end
  return L.A, L.dq
end
