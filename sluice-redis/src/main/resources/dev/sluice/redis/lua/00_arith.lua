-- Sluice: exact integer helpers (docs/redis.md, "Numbers in Lua").
-- Lua numbers are doubles. Every value below is an integer; an IEEE operation whose exact result
-- is an integer of magnitude below 2^53 returns it exactly, so the scripts keep every stored value
-- and every intermediate below 2^53 (the limits that could not are rejected in Java), and they
-- never return a time: they return (base, delta) pairs that Java adds in 64-bit arithmetic.

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

-- ceil(a / b), same domain.
local function cdiv(a, b)
  return -idiv(-a, b)
end

local function max(a, b)
  if a > b then return a end
  return b
end
