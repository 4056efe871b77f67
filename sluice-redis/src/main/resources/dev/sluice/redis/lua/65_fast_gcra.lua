-- GCRA on the fast path (95_check.lua): 50_gcra.lua's formulas with plain numbers, for limits
-- with B * w and n below 2^50 and a stored TAT below 2^53 (else the exact path decides); then
-- every sum and product below stays under 2^52. Unrolled for limit $ (ARGV index of its code: @).
--@evaluate
local B$, n$, w$ = tonumber(ARGV[@ + 1]), tonumber(ARGV[@ + 2]), tonumber(ARGV[@ + 3])
local tol$ = B$ * w$
if tol$ >= P50 or n$ >= P50 then break end
local A$, D$, r$, whole$, after$, ahead$ = nil, 0, 0, 0, false, 0
if raw then
  local dl, dh
  A$, dl, dh, r$, pos = unpack('<i8I4i4i8', raw, pos)
  D$ = dh * P32 + dl
  if D$ >= P50 or A$ + D$ >= P53 then break end
  whole$ = (A$ + D$) - t
  after$ = whole$ > 0 or (whole$ == 0 and r$ > 0)
  if after$ then
    if whole$ > floor(tol$ / n$) then ahead$ = nil else ahead$ = whole$ * n$ + r$ end
  end
end
local cap$ = B$
local ok$ = c <= B$ and ahead$ ~= nil and ahead$ + c * w$ <= tol$
--@commit
local D_new, r_new = 0, 0
if after$ then D_new, r_new = whole$, r$ end
local cw = c * w$
local dq = floor(cw / n$)
local dr = cw - dq * n$
D_new = D_new + dq
if dr >= n$ - r_new then
  r_new = r_new - (n$ - dr)
  D_new = D_new + 1
else
  r_new = r_new + dr
end
local dh = floor(D_new / P32)
enc$ = pack('<i8I4i4i8', t, D_new - dh * P32, dh, r_new)
back$ = t + D_new
if r_new > 0 then back$ = back$ + 1 end
rem$ = 0
if D_new <= floor(tol$ / n$) and D_new * n$ + r_new <= tol$ then
  rem$ = floor((tol$ - (D_new * n$ + r_new)) / w$)
end
reset$ = back$
--@denied
if c <= B$ then at$ = A$ + D$ - floor(((B$ - c) * w$ - r$) / n$) end
if not after$ then
  rem$, reset$ = B$, t
else
  rem$ = 0
  if ahead$ ~= nil and ahead$ <= tol$ then rem$ = floor((tol$ - ahead$) / w$) end
  reset$ = A$ + D$
  if r$ > 0 then reset$ = reset$ + 1 end
end
