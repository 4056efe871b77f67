-- The leased engine's data mark. KEYS[1]: a key that exists while Redis keeps its data. ARGV[1]:
-- now in microseconds (the caller's clock). Sets the mark to ARGV[1] if it is absent and returns
-- it: the mark is the time from which this Redis has known the pools. A mark newer than the one an
-- instance saw before means Redis lost its data (a restart without persistence, a failover to an
-- empty replica, FLUSHALL); until every live instance has written its leases back, no instance
-- takes new permits (the caller's grace period).
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return {tonumber(redis.call('GET', KEYS[1]))}
