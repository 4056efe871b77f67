-- One sync of many client keys (all in one hash slot on a Cluster): for each entry j,
-- KEYS[2j-1] is the hash of the current window and KEYS[2j] the hash of the previous one; each
-- hash holds one field per instance, that instance's own count in the window (a grow-only
-- counter per instance). ARGV[1] is this instance's id; per entry, ARGV[3j-1] is this
-- instance's own count of the current window (-1: only read), ARGV[3j] the same for the previous
-- window (-1: only read, -2: skip), ARGV[3j+1] the keys' time to live in milliseconds.
--
-- Counts are absolute, not deltas: a field only ever grows to the value sent (HSET of the
-- maximum), so a push that is retried after a timeout, or repeated after Redis lost its data,
-- never counts twice. Returns, per entry, the sums over all instances of the two windows (-1
-- for a skipped previous window).
local id = ARGV[1]
local out = {}

local function push(key, own, ttl)
  if own >= 0 then
    local old = tonumber(redis.call('HGET', key, id) or '0')
    if own > old then
      redis.call('HSET', key, id, own)
    end
    redis.call('PEXPIRE', key, ttl)
  end
  local sum = 0
  for _, v in ipairs(redis.call('HVALS', key)) do
    sum = sum + tonumber(v)
  end
  return sum
end

for j = 1, #KEYS / 2 do
  local ttl = tonumber(ARGV[3 * j + 1])
  out[2 * j - 1] = push(KEYS[2 * j - 1], tonumber(ARGV[3 * j - 1]), ttl)
  local ownPrev = tonumber(ARGV[3 * j])
  if ownPrev == -2 then
    out[2 * j] = -1
  else
    out[2 * j] = push(KEYS[2 * j], ownPrev, ttl)
  end
end
return out
