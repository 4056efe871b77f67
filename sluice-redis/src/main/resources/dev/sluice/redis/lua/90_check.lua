-- Sluice check, the exact path: decides one request against every limit of one rule,
-- atomically, with wide arithmetic wherever a product may pass 2^53. CheckScripts places the
-- library and this driver after 95_check.lua's fast path, which reads t first: execution reaches
-- them (and builds the library's closures) only when the fast path leaves its block without
-- answering. In a compiled rule's script a local ARGV of constants just before the library
-- stands for the rule's part of ARGV (CheckScripts.compiled).
--
-- KEYS[1]  the (client, rule) state: one string of little-endian int64 fields, limit after limit
-- ARGV[1]  t, microseconds since the epoch; negative: read the server's TIME (95_check.lua does)
-- ARGV[2]  cost (>= 1)
-- ARGV[3]  milliseconds added to the key's TTL (eviction grace and slack)
-- ARGV[4]  the number of limits k, then per limit its algorithm and parameters:
--          1 fixed window, 2 sliding log, 3 sliding counter: N (permits), W (window, us);
--          4 token bucket, 5 gcra: B (burst; capacity), n = N / gcd(N, W), w = W / gcd(N, W)
--
-- Returns {allowed, index, remaining, resetBase, resetHi, resetLo, allowedBase, allowedHi,
-- allowedLo, t}: resetAt = resetBase + resetHi * 2^32 + resetLo, and likewise allowedAt, added in
-- Java where they fit 64 bits; a base of -1 means never. A denied request writes nothing; an
-- allowed one writes every limit's state and sets the TTL to when the last limit is back to
-- initial, plus the pad. The steps are 80_rule.lua's.
local cost = tonumber(ARGV[2])
local limits = rule_read(4, KEYS[1])
local denied, deny = rule_deny(limits, t, cost)
if not denied then
  rule_commit(limits, t, cost, KEYS[1], tonumber(ARGV[3]))
end
local r = rule_describe(limits, t, cost, denied, deny)
r[10] = t
return r
