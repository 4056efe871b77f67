-- Sluice check, the fast path: the glue of the check script built per rule shape (the
-- sequence of its limits' algorithms) by CheckScripts. Arguments as in 90_check.lua.
--
-- Why: a script's top level runs on every call, and in Redis's Lua every `local function`
-- reached, every table and every string is garbage the collector pays for, on top of the
-- interpreter's own work. The library decides a rule through per-limit tables, closures and wide
-- values, evaluating each limit several times; this path decides it in straight-line code per
-- limit (the 6x_fast_*.lua sections, unrolled), with plain numbers, one GET, one SET PX and no
-- closure or table but the reply. It is exact wherever it answers: whenever a value could reach
-- 2^53 (a product of a count and microseconds, a time near the end of the range) it leaves the
-- `repeat ... until true` block with `break`, before any write, and the library below it (80_rule
-- and 90_check.lua, whose closures are only built when execution reaches them) decides the call
-- from scratch at the same t.
--
-- Sections: the builder emits time and head once, then per limit $ (ARGV index of its code: @)
-- the algorithm's evaluate section, then commit (wrapping each algorithm's commit section at
-- --@body), the allowed reply, then denied (wrapping each denied section), the denied reply, and
-- finally the library and 90_check.lua.
--
-- Returns, from the fast path: allowed {1, index, remaining, resetAt, t}; denied {0, index,
-- remaining, resetAt, allowedAt, t} (absolute microseconds, -1 = never). The exact path returns
-- the 10 fields of 90_check.lua; Java tells the forms apart by length.
--@time
-- (comparing interned strings is free; tonumber is strtod, a noticeable share of a call)
local t = ARGV[1]
if t == '-1' then
  t = -1
else
  t = tonumber(t)
end
if t < 0 then
  local now = redis.call('TIME')
  t = tonumber(now[1]) * 1000000 + tonumber(now[2])
end
--@head
repeat
  local P53, P50, P32 = 9007199254740992, 1125899906842624, 4294967296
  local floor, fmod, unpack, pack = math.floor, math.fmod, struct.unpack, struct.pack
  local c = 1
  if ARGV[2] ~= '1' then c = tonumber(ARGV[2]) end
  local raw = redis.call('GET', KEYS[1])
  if not raw then raw = nil end
  local pos = 1
--@admit_first
  local all = ok$
--@admit_next
  all = all and ok$
--@commit_begin
  if all then
    local idle = 0
--@commit
    local enc$, back$, rem$, reset$
    do
--@body
    end
    if back$ >= P53 then break end
    if back$ - t > idle then idle = back$ - t end
--@pick_first
    local value, pick, pickRem, pickReset = enc$, $, rem$, reset$
--@pick_next
    value = value .. enc$
    if rem$ < pickRem or (rem$ == pickRem and reset$ > pickReset) then
      pick, pickRem, pickReset = $, rem$, reset$
    end
--@allowed_reply
    local ttl = floor((idle + 999) / 1000) + tonumber(ARGV[3])
    if ttl < 1 then ttl = 1 end
    redis.call('SET', KEYS[1], value, 'PX', ttl)
    return { 1, pick - 1, pickRem, pickReset, t }
  end
  local pick, pickAt, pickRem, pickReset, pickCap
--@denied
  if not ok$ then
    local at$, rem$, reset$ = -1, 0, 0
    do
--@body
    end
    if at$ >= P53 or reset$ >= P53 then break end
    if pick == nil or (pickAt ~= -1 and (at$ == -1 or at$ > pickAt)) then
      pick, pickAt, pickRem, pickReset, pickCap = $, at$, rem$, reset$, cap$
    end
  end
--@denied_reply
  if pickCap == 0 then return { 0, pick - 1, 0, -1, -1, t } end
  return { 0, pick - 1, pickRem, pickReset, pickAt, t }
until true
