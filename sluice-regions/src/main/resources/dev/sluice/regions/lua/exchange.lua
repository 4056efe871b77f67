-- One slot of the usage exchange (a rule, a client key, an epoch): joins what the caller knows
-- into the slot's hash and returns the hash, so the caller leaves with the join of both sides.
-- The hash holds, per region R, four fields: R:a (permits admitted), R:d (demand), R:sa (the
-- allocation R sealed for the epoch) and R:sd (its sealed demand of the epoch before); each only
-- grows, and the join takes the maximum of each field (a state-based CRDT).
--
-- KEYS[1]: the slot's hash. ARGV[1]: time to live in milliseconds. ARGV[2]: the caller's own
-- region when this is its own region's Redis, else '' (then ARGV[3..8] are ignored).
-- ARGV[3], ARGV[4]: permits admitted and demanded by the caller since its last exchange (added
-- to the own region's counters, which first rise to ARGV[5], ARGV[6], the caller's last view of
-- them: a Redis that restarted empty gets back everything but the last exchange). ARGV[7],
-- ARGV[8]: the caller's seal of the epoch (-1: none), set only if the region has none yet, so
-- the first instance of a region to seal an epoch decides it for all. From ARGV[9], groups of
-- five: a region, its admitted, demand, sealed allocation and sealed demand to join.
-- Returns HGETALL of the hash.
local key = KEYS[1]
local own = ARGV[2]

local function raise(field, value)
  local v = tonumber(value)
  if v < 0 then
    return
  end
  local old = tonumber(redis.call('HGET', key, field) or '-1')
  if v > old then
    redis.call('HSET', key, field, v)
  end
end

for i = 9, #ARGV, 5 do
  local r = ARGV[i]
  raise(r .. ':a', ARGV[i + 1])
  raise(r .. ':d', ARGV[i + 2])
  raise(r .. ':sa', ARGV[i + 3])
  raise(r .. ':sd', ARGV[i + 4])
end

if own ~= '' then
  local function add(field, delta, floor)
    local old = tonumber(redis.call('HGET', key, field) or '0')
    local base = math.max(old, tonumber(floor))
    local d = tonumber(delta)
    if base ~= old or d > 0 then
      redis.call('HSET', key, field, base + d)
    end
  end
  add(own .. ':a', ARGV[3], ARGV[5])
  add(own .. ':d', ARGV[4], ARGV[6])
  if tonumber(ARGV[7]) >= 0 and redis.call('HEXISTS', key, own .. ':sa') == 0 then
    redis.call('HSET', key, own .. ':sa', ARGV[7], own .. ':sd', ARGV[8])
  end
end

redis.call('PEXPIRE', key, tonumber(ARGV[1]))
return redis.call('HGETALL', key)
