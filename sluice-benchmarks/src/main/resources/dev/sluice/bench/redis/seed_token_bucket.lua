-- Reference: the token bucket the design seed sketches, as one script: floating-point tokens and
-- the caller's time in seconds in a hash (HMGET, then HSET and EXPIRE when allowed). Not exact
-- (it drifts with rounding) and trusts the caller's clock; measured for its Redis CPU only.
-- KEYS[1] the bucket; ARGV[1] capacity; ARGV[2] tokens per second; ARGV[3] now (seconds, a
-- decimal); ARGV[4] cost. Returns {allowed, floor(tokens left)}.
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
if tokens < cost then
  return { 0, math.floor(tokens) }
end
tokens = tokens - cost
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
return { 1, math.floor(tokens) }
