-- Registers this instance as live and counts the live ones. KEYS[1]: a sorted set of instance
-- ids scored by their last heartbeat (microseconds); KEYS[2]: a marker that exists while Redis
-- keeps its data. ARGV[1]: this instance's id; ARGV[2]: now in microseconds; ARGV[3]: the
-- oldest heartbeat, microseconds, that still counts as live; ARGV[4]: the set's time to live in
-- milliseconds. Returns {live instances, 1 if the marker had to be created (a first start, or
-- Redis lost its data) else 0}.
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local created = redis.call('SET', KEYS[2], '1', 'NX')
local live = redis.call('ZCARD', KEYS[1])
if created then
  return {live, 1}
end
return {live, 0}
