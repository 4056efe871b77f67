-- One sync of many client keys (all in one hash slot on a Cluster). For each entry j, KEYS[2j-1]
-- is the hash of the current window and KEYS[2j] the hash of the previous one. A window's hash
-- holds, per instance id, that instance's own count in the window (field id: a grow-only counter
-- per instance) and its latest reported demand (field d:id: requests per second it saw, admitted or
-- held back by its share, between its last two syncs).
--
-- ARGV[1]: this instance's id. Per entry, from ARGV[4 * j - 2]: this instance's own count of the
-- current window (-1: only read), of the previous window (-1: only read, -2: skip), its demand in
-- the current window (-1: none), and the keys' time to live in milliseconds.
--
-- Counts are absolute, not deltas: a field only ever grows to the value sent (HSET of the
-- maximum), so a push that is retried after a timeout, or repeated after Redis lost its data,
-- never counts twice. Returns, per entry, four numbers: the sum of the current window's counts,
-- that of the previous window (-1 when skipped), and the sum of the latest demands of all
-- instances in the current window, and how many instances have a count in the current window.
-- A demand is never dropped as stale: an instance that stopped
-- reporting only makes the others' demand parts smaller, which errs towards admitting less.
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
end

-- Sums the counts and the demands of one window's hash, and counts the instances with a count.
local function sums(key)
  local flat = redis.call('HGETALL', key)
  local count, demand, counted = 0, 0, 0
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'd:' then
      demand = demand + tonumber(flat[i + 1])
    else
      count = count + tonumber(flat[i + 1])
      counted = counted + 1
    end
  end
  return count, demand, counted
end

for j = 1, #KEYS / 2 do
  local a = 4 * j - 2
  local cur, prev = KEYS[2 * j - 1], KEYS[2 * j]
  local ownCur, ownPrev = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local recent, ttl = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  push(cur, ownCur, ttl)
  if recent >= 0 then
    redis.call('HSET', cur, 'd:' .. id, recent)
  end
  local count, demand, counted = sums(cur)
  out[4 * j - 3] = count
  out[4 * j - 1] = demand
  out[4 * j] = counted
  if ownPrev == -2 then
    out[4 * j - 2] = -1
  else
    push(prev, ownPrev, ttl)
    out[4 * j - 2] = (sums(prev))
  end
end
return out
