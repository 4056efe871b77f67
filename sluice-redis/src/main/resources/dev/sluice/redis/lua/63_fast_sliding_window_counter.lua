-- Sliding window counter on the fast path (95_check.lua): 30_sliding_window_counter.lua's
-- formulas with plain numbers, for limits with N * W < 2^53 (else the exact path decides); then
-- every product below is at most N * W. Unrolled for limit $ (ARGV index of its code: @).
--@evaluate
local N$, W$ = tonumber(ARGV[@ + 1]), tonumber(ARGV[@ + 2])
if N$ * W$ >= P53 then break end
local S$, cur$, prev$
if raw then S$, cur$, prev$, pos = unpack('<i8i8i8', raw, pos) end
local te$ = t
if S$ ~= nil and S$ > t then te$ = S$ end
local start$ = te$ - fmod(te$, W$)
if S$ == nil then
  cur$, prev$ = 0, 0
elseif start$ ~= S$ then
  if start$ == S$ + W$ then prev$ = cur$ else prev$ = 0 end
  cur$ = 0
end
local cap$ = N$
local ok$ = c <= N$ and N$ - cur$ - c >= 0
  and prev$ * (W$ - (te$ - start$)) <= (N$ - cur$ - c) * W$
--@commit
local cur_new = cur$ + c
enc$ = pack('<i8i8i8', start$, cur_new, prev$)
back$ = start$ + 2 * W$
rem$ = floor((N$ * W$ - prev$ * (W$ - (te$ - start$)) - cur_new * W$) / W$)
if rem$ < 0 then rem$ = 0 end
reset$ = back$
--@denied
if c <= N$ then
  local spare = N$ - cur$ - c
  local e = W$
  if spare >= 0 and prev$ > 0 then e = W$ - floor(spare * W$ / prev$) end
  if e < W$ then
    at$ = start$ + e
  elseif cur$ == 0 then
    at$ = start$ + W$
  else
    local late = W$ - floor((N$ - c) * W$ / cur$)
    if late < 0 then late = 0 end
    at$ = start$ + W$ + late
  end
end
rem$ = floor((N$ * W$ - prev$ * (W$ - (te$ - start$)) - cur$ * W$) / W$)
if rem$ < 0 then rem$ = 0 end
if cur$ > 0 then
  reset$ = start$ + 2 * W$
elseif prev$ > 0 then
  reset$ = start$ + W$
else
  reset$ = te$
end
