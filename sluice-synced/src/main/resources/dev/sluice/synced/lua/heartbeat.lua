-- Registers this instance as live and counts the live ones. KEYS[1]: a sorted set of instance
-- ids scored by their last heartbeat (microseconds); KEYS[2]: a marker that exists while Redis
-- keeps its data. ARGV[1]: this instance's id; ARGV[2]: now in microseconds; ARGV[3]: the
-- oldest heartbeat, microseconds, that still counts as live; ARGV[4]: the set's time to live in
-- milliseconds; ARGV[5]: a fresh random value to mark the data with if it is not marked. Returns
-- {live instances, the mark}: the mark changes exactly when Redis lost its data (a restart without
-- persistence, a failover to an empty replica, FLUSHALL).
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[5], 'NX')
return {redis.call('ZCARD', KEYS[1]), redis.call('GET', KEYS[2])}
