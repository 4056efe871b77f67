-- Sluice multi-key check: decides several (client, rule) requests together, all or nothing,
-- on keys of one node (one slot in a Cluster).
--
-- KEYS[j]  the state of part j, as in 90_check.lua
-- ARGV[1]  t, microseconds since the epoch; negative: read the server's TIME
-- ARGV[2]  milliseconds added to a written key's TTL
-- ARGV[3]  mode: 1 decide (consume every part iff every part admits), 0 describe only
-- ARGV[4]  the number of parts m, then per part: its cost, then its rule's limits as in
--          90_check.lua (k, then each limit's algorithm and parameters)
--
-- Returns {t, all, then per part: the 9 decision fields of 90_check.lua, then two marks per
-- limit}: all is 1 when every part was admitted and consumed. The marks say what a refund must
-- undo (92_refund.lua; each algorithm's mark function), -1 when nothing was consumed.
local t = rule_time(ARGV[1])
local padMs = tonumber(ARGV[2])
local decide = tonumber(ARGV[3]) == 1
local m = tonumber(ARGV[4])
local parts = {}
local all = true
local a = 5
for j = 1, m do
  local cost = tonumber(ARGV[a])
  local limits, _, nxt = rule_read(a + 1, KEYS[j])
  a = nxt
  local denied, deny = rule_deny(limits, t, cost)
  parts[j] = { limits = limits, cost = cost, denied = denied, deny = deny }
  if denied then all = false end
end
local consumed = all and decide
if consumed then
  for j = 1, m do
    rule_commit(parts[j].limits, t, parts[j].cost, KEYS[j], padMs)
  end
end
local out = { t }
if consumed then out[2] = 1 else out[2] = 0 end
for j = 1, m do
  local P = parts[j]
  local r = rule_describe(P.limits, t, P.cost, P.denied, P.deny)
  for i = 1, 9 do out[#out + 1] = r[i] end
  for i = 1, #P.limits do
    local L = P.limits[i]
    if consumed then
      local m1, m2 = L.algo.mark(L, P.cost)
      out[#out + 1] = m1
      out[#out + 1] = m2
    else
      out[#out + 1] = -1
      out[#out + 1] = 0
    end
  end
end
return out
