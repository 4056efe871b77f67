-- Token bucket on the fast path (95_check.lua): 40_token_bucket.lua's formulas with plain
-- numbers; a refill or a time-to-refill whose product reaches 2^53 hands the call to the exact
-- path. Unrolled for limit $ (ARGV index of its code: @).
--@evaluate
local B$, n$, w$ = tonumber(ARGV[@ + 1]), tonumber(ARGV[@ + 2]), tonumber(ARGV[@ + 3])
local T$, q$, f$
if raw then T$, q$, f$, pos = unpack('<i8i8i8', raw, pos) else q$, f$ = B$, 0 end
local te$ = t
if T$ ~= nil and T$ > t then te$ = T$ end
if q$ >= B$ then
  q$, f$ = B$, 0
else
  local x = (te$ - T$) * n$ + f$
  if x >= P53 then break end
  local g = floor(x / w$)
  if g >= B$ - q$ then q$, f$ = B$, 0 else q$, f$ = q$ + g, x - g * w$ end
end
local cap$ = B$
local ok$ = c <= B$ and q$ >= c
--@commit
local q_new = q$ - c
enc$ = pack('<i8i8i8', te$, q_new, f$)
local x = (B$ - q_new) * w$
if x >= P53 then break end
back$ = te$ - floor((f$ - x) / n$)
rem$, reset$ = q_new, back$
--@denied
if c <= B$ then
  local x = (c - q$) * w$
  if x >= P53 then break end
  at$ = te$ - floor((f$ - x) / n$)
end
rem$ = q$
local x = (B$ - q$) * w$
if x >= P53 then break end
reset$ = te$ - floor((f$ - x) / n$)
