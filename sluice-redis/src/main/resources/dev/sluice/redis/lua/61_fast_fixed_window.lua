-- Fixed window on the fast path (95_check.lua): the formulas of 10_fixed_window.lua with plain
-- numbers, unrolled for limit $ (the script builder replaces $ by the limit's index and @ by the
-- ARGV index of its algorithm code). Every value stays below 2^53: times, counts, W <= 2^48.
--@evaluate
local N$, W$ = tonumber(ARGV[@ + 1]), tonumber(ARGV[@ + 2])
local S$, k$
if raw then S$, k$, pos = unpack('<i8i8', raw, pos) end
local te$ = t
if S$ ~= nil and S$ > t then te$ = S$ end
local start$ = te$ - fmod(te$, W$)
if S$ == nil or start$ > S$ then k$ = 0 end
local cap$ = N$
local ok$ = c <= N$ and k$ + c <= N$
--@commit
local k_new = k$ + c
enc$ = pack('<i8i8', start$, k_new)
back$ = start$ + W$
rem$, reset$ = N$ - k_new, back$
--@denied
if c <= N$ then at$ = start$ + W$ end
rem$ = N$ - k$
if k$ > 0 then reset$ = start$ + W$ else reset$ = te$ end
