-- Sluice: exact integer arithmetic (docs/redis.md, "Numbers in Lua").
--
-- Deltas returned by the algorithms are plain numbers when they are below 2^53 (the common case,
-- no allocation) and wide values otherwise; the driver accepts both.
--
-- Lua numbers are doubles. An IEEE operation whose exact result is an integer of magnitude below
-- 2^53 returns it exactly, so plain numbers are used wherever a value provably stays below 2^53
-- (times, counts, permits). Products of a count and microseconds may reach 2^61 (the bound that
-- Limit enforces); they are "wide" values {h, l} = h * 2^32 + l with 0 <= l < 2^32 and
-- |h| < 2^53, exact up to 2^85. Every time the script returns is a plain base plus a wide delta,
-- which Java adds in 64-bit arithmetic.

local P18 = 262144
local P32 = 4294967296
local P36 = 68719476736
local P53 = 9007199254740992
local P84 = 19342813113834066795298816

-- floor(a / b) for |a| < 2^53 and 0 < b < 2^53: the quotient's rounding error is below the
-- distance to the next integer, so math.floor of the double quotient is exact; the correction
-- only guards the reasoning.
local function idiv(a, b)
  local q = math.floor(a / b)
  local r = a - q * b
  if r < 0 then
    q = q - 1
  elseif r >= b then
    q = q + 1
  end
  return q
end

local function max(a, b)
  if a > b then return a end
  return b
end

-- A wide value from an integer double (exact for any integer double below 2^85).
local function W(x)
  local h = math.floor(x / P32)
  return { h, x - h * P32 }
end

local function wnorm(h, l)
  local c = math.floor(l / P32)
  return { h + c, l - c * P32 }
end

local function wadd(a, b) return wnorm(a[1] + b[1], a[2] + b[2]) end
local function wsub(a, b) return wnorm(a[1] - b[1], a[2] - b[2]) end
local function wneg(a) return wnorm(-a[1], -a[2]) end

local function wcmp(a, b)
  if a[1] ~= b[1] then
    if a[1] < b[1] then return -1 end
    return 1
  end
  if a[2] ~= b[2] then
    if a[2] < b[2] then return -1 end
    return 1
  end
  return 0
end

local function wneg_p(a) return a[1] < 0 end

-- The plain number of a wide value below 2^53 in magnitude.
local function wnum(a) return a[1] * P32 + a[2] end

-- x * y for 0 <= x, y < 2^53, exact below 2^84; larger products saturate at 2^84 (they are only
-- ever compared with values below 2^62).
local CAP = { 4503599627370496, 0 }
local function wmul(x, y)
  local p = x * y
  if p < P53 then return W(p) end
  if p >= P84 then return CAP end
  local x2 = math.floor(x / P36)
  local xr = x - x2 * P36
  local x1 = math.floor(xr / P18)
  local x0 = xr - x1 * P18
  local y2 = math.floor(y / P36)
  local yr = y - y2 * P36
  local y1 = math.floor(yr / P18)
  local y0 = yr - y1 * P18
  local r = W(x0 * y0)
  r = wadd(r, W((x1 * y0 + x0 * y1) * P18))
  r = wadd(r, W((x2 * y0 + x1 * y1 + x0 * y2) * P36))
  r = wadd(r, W((x2 * y1 + x1 * y2) * P36 * P18))
  r = wadd(r, W(x2 * y2 * P36 * P36))
  return r
end

-- A wide value a >= 0 times 0 <= x < 2^53, when the exact product is below 2^84.
local function wmulw(a, x)
  return wadd(W(a[1] * x * P32), wmul(a[2], x))
end

-- floor(a / d) and a mod d for a wide a >= 0 and 1 <= d < 2^53.
local function wdivmod(a, d)
  local h, l = a[1], a[2]
  local qh = math.floor(h / d)
  local r = h - qh * d
  if r < 2097152 then
    local v = r * P32 + l
    local ql = math.floor(v / d)
    return { qh, ql }, v - ql * d
  end
  -- long division, one bit at a time, keeping every value below d < 2^53
  local ql = 0
  for i = 31, 0, -1 do
    local bit = math.floor(l / 2 ^ i) % 2
    local room = d - r
    if r + bit >= room then
      r = r - room + bit
      ql = ql * 2 + 1
    else
      r = r + r + bit
      ql = ql * 2
    end
  end
  return { qh, ql }, r
end

-- floor(a / d) and ceil(a / d) for any wide a and 1 <= d < 2^53.
local function wfloor(a, d)
  if not wneg_p(a) then return (wdivmod(a, d)) end
  local q, r = wdivmod(wneg(a), d)
  q = wneg(q)
  if r > 0 then q = wsub(q, { 0, 1 }) end
  return q
end

local function wceil(a, d)
  return wneg(wfloor(wneg(a), d))
end

local ZERO = { 0, 0 }
local ONE = { 0, 1 }

local function towide(x)
  if type(x) == 'number' then return W(x) end
  return x
end
