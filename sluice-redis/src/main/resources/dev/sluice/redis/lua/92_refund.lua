-- Sluice refund: undoes the consumption of a multi-key reservation (91_check_all.lua) whose
-- whole was denied on another node. A fixed window or sliding counter gives the cost back to the
-- window it was counted in (if that window still counts), a sliding log removes it from the grant
-- it was logged with; a token bucket or GCRA gives back what the reservation still holds, less
-- what the state without it could have lost to refilling since (docs/redis.md). Never more.
-- The key keeps its TTL: a refund only shortens the state's life.
--
-- KEYS[j]  the state of part j
-- ARGV[1]  t, the time to describe the parts at (negative: the server's TIME)
-- ARGV[2]  the number of parts m, then per part: its cost, its rule's limits as in 90_check.lua,
--          and two marks per limit as 91_check_all.lua returned them
--
-- Returns {t, then per part the 9 decision fields of 90_check.lua for the state after the
-- refund, described as admitted (the reservation admitted it)}.
local t = rule_time(ARGV[1])
local m = tonumber(ARGV[2])
local out = { t }
local a = 3
for j = 1, m do
  local cost = tonumber(ARGV[a])
  local limits, present, nxt = rule_read(a + 1, KEYS[j])
  a = nxt
  local changed = false
  for i = 1, #limits do
    local L = limits[i]
    local mark = tonumber(ARGV[a + 2 * i - 2])
    if present and mark >= 0 then
      L.algo.refund(L, mark, tonumber(ARGV[a + 2 * i - 1]), cost, t)
      changed = true
    end
  end
  a = a + 2 * #limits
  if changed then
    local enc = {}
    for i = 1, #limits do enc[i] = limits[i].algo.encode(limits[i]) end
    redis.call('SET', KEYS[j], table.concat(enc), 'KEEPTTL')
  end
  local r = rule_describe(limits, t, cost, false, {})
  for i = 1, 9 do out[#out + 1] = r[i] end
end
return out
