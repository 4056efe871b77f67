-- Token bucket in exact units (docs/algorithms.md): one token is w units, the bucket gains n
-- units per microsecond. State T (last allowed request) and s (units held). Absent: T == nil and
-- a full bucket. Java rejects limits with burst * w >= 2^53.
local TB = {}

function TB.decode(L, raw, pos)
  L.T, L.s, pos = struct.unpack('<i8i8', raw, pos)
  return pos
end

function TB.init(L)
  L.s = L.B * L.w
end

function TB.encode(L)
  return struct.pack('<i8i8', L.T, L.s)
end

local function tb_te(L, t)
  if L.T ~= nil and L.T > t then return L.T end
  return t
end

local function tb_units(L, te)
  local full = L.B * L.w
  if L.s >= full then return full end
  local elapsed = te - L.T
  if elapsed >= cdiv(full - L.s, L.n) then return full end
  return L.s + elapsed * L.n
end

function TB.admits(L, t, c)
  return tb_units(L, tb_te(L, t)) >= c * L.w
end

function TB.consume(L, t, c)
  local te = tb_te(L, t)
  L.s = tb_units(L, te) - c * L.w
  L.T = te
end

function TB.remaining(L, t)
  return idiv(tb_units(L, tb_te(L, t)), L.w)
end

function TB.reset(L, t)
  local te = tb_te(L, t)
  return te, cdiv(L.B * L.w - tb_units(L, te), L.n)
end

function TB.allowed(L, t, c)
  local te = tb_te(L, t)
  return te, cdiv(c * L.w - tb_units(L, te), L.n)
end

function TB.idle(L)
  local full = L.B * L.w
  if L.s >= full then return L.T, 0 end
  return L.T, cdiv(full - L.s, L.n)
end
