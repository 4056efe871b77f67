-- Reference: a fixed-window counter as one script, the way envoyproxy/ratelimit counts (INCRBY,
-- and PEXPIRE when the key was just created). The floor of what a Redis check can cost.
-- KEYS[1] the counter; ARGV[1] cost; ARGV[2] window in milliseconds. Returns the new count.
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n == tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return n
