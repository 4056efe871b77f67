-- Leases of permits from central pools, many pools per call (all in one hash slot on a Cluster).
-- KEYS[j] is one pool: a hash per (rule, client, limit) and, for a fixed window, per window.
--
-- Fields of a pool: per instance id, h:id (permits it holds in its lease and has not spent, as it
-- last reported), e:id (when that lease expires, microseconds) and s:id (what it spent: in the
-- window; a bucket: ever; a grow-only absolute count); for a token bucket also lv (the
-- bucket's level, in permits, without the permits out in leases) and t (when lv was computed).
--
-- ARGV[1]: this instance's id; ARGV[2]: now (microseconds); ARGV[3]: lease time to live
-- (microseconds); ARGV[4]: 1 if new permits may be granted (0 in the grace period after Redis lost
-- its data); ARGV[5]: the data mark (microseconds; mark.lua). Per pool j, seven arguments from
-- ARGV[5 + 7(j-1) + 1]: kind (0 fixed window, 1 token bucket), permits (fixed: per window;
-- bucket: capacity), the refill rate (bucket: permits per microsecond; fixed: unused), this
-- instance's spent count (in the window; a bucket: ever; -1: adopt the stored one), the permits
-- it holds now, how many more it wants, and the pool's time to live in milliseconds.
--
-- Per pool: expired leases of any instance are dropped first (fixed window: their unspent permits
-- are free again; token bucket: they go back into the bucket). A bucket's level never exceeds its
-- capacity less the permits out in leases, so that what is available anywhere (in the bucket and
-- in leases) is never more than one bucket would hold. Then this
-- instance's spent count is raised to the value sent and its held count set to the value sent:
-- a smaller value returns the difference; a larger one (after Redis lost its data) is accepted
-- only out of what is free. Then up to `want` new permits are granted, at most half of what is free
-- (at least 1 while anything is). Returns, per pool, four numbers: the held count confirmed
-- before the grant, the permits granted, what is free afterwards, and the spent count stored.
local id, now, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local grants, mark = ARGV[4] == '1', tonumber(ARGV[5])
local hid, eid, sid = 'h:' .. id, 'e:' .. id, 's:' .. id
local out = {}

-- Integers as strings of digits: a Lua number given to redis.call may be written in exponent form.
local function int(x)
  return string.format('%.0f', x)
end

for j = 1, #KEYS do
  local key = KEYS[j]
  local a = 5 + 7 * (j - 1)
  local kind, permits, rate = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local spent, held, want = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6])
  local keyTtl = ARGV[a + 7]

  local flat = redis.call('HGETALL', key)
  local f = {}
  for i = 1, #flat, 2 do
    f[flat[i]] = flat[i + 1]
  end
  -- This instance's spent count as last reported, and its spending since (reported now). A
  -- spent count of -1 comes from a state that has not spent anything yet and does not know the
  -- stored count (a client state created anew in the instance): it adopts the stored one.
  local s = tonumber(f[sid] or '0')
  if spent < 0 then
    spent = s
  end
  local since = math.max(0, spent - s)
  -- Expired leases, this instance's own included (a lease it no longer holds in its own view:
  -- what it spent of it before it stopped is in `since`).
  local back = 0
  for name, value in pairs(f) do
    if string.sub(name, 1, 2) == 'e:' and tonumber(value) <= now then
      local h = 'h:' .. string.sub(name, 3)
      local unspent = tonumber(f[h] or '0')
      if h == hid then
        unspent = math.max(0, unspent - since)
        since = 0
      end
      back = back + unspent
      redis.call('HDEL', key, name, h)
      f[name] = nil
      f[h] = nil
    end
  end

  -- avail: what this instance's held count may be, its old lease included.
  local avail
  local level
  local t
  if spent > s then
    f[sid] = tostring(spent)
    redis.call('HSET', key, sid, int(spent))
  end
  if kind == 0 then
    local used = 0
    for name, value in pairs(f) do
      local p = string.sub(name, 1, 2)
      if p == 's:' or (p == 'h:' and name ~= hid) then
        used = used + tonumber(value)
      end
    end
    avail = permits - used
  else
    -- The bucket holds at most its capacity less the permits out in leases: a permit leased is
    -- a permit taken, so the bucket refills behind it only as it would behind a spent one.
    local leased = 0
    for name, value in pairs(f) do
      if string.sub(name, 1, 2) == 'h:' then
        leased = leased + tonumber(value)
      end
    end
    level = tonumber(f['lv'] or '-1')
    t = tonumber(f['t'] or '0')
    if level < 0 then
      -- No bucket: new, or lost with Redis's data. Its true level now is at least what refilled
      -- since the data mark (it held at least nothing then), so assume that.
      level = math.min(permits - leased, math.max(0, now - mark) * rate)
      t = now
    end
    -- Time only moves forward here: an instance whose clock is behind the last writer's refills
    -- nothing (were t set back, the next call would refill the same time twice).
    if now > t then
      if level < permits - leased then
        level = math.min(permits - leased, level + (now - t) * rate)
      end
      t = now
    end
    -- Expired leases come back (they are no longer in `leased`).
    level = math.max(level, math.min(permits - leased, level + back))
    -- What this instance returns: its old lease less what it holds now and what it spent since
    -- its last report (spent permits are gone).
    local old = tonumber(f[hid] or '0')
    local returned = old - held - since
    if returned > 0 then
      level = level + returned
    end
    avail = math.floor(level) + old
  end

  -- This instance's held count: accepted as sent when it is no more than before; what exceeds
  -- that must come out of what is free.
  local old = tonumber(f[hid] or '0')
  local confirmed = held
  if held > old then
    confirmed = old + math.max(0, math.min(held - old, avail - old))
  end
  if kind == 1 and confirmed > old then
    level = level - (confirmed - old)
  end
  local free
  if kind == 0 then
    free = avail - confirmed
  else
    free = math.floor(level)
  end

  local granted = 0
  if grants and want > 0 and free > 0 then
    granted = math.min(want, math.ceil(free / 2))
    free = free - granted
    if kind == 1 then
      level = level - granted
    end
  end
  local total = confirmed + granted
  if total > 0 then
    redis.call('HSET', key, hid, int(total), eid, int(now + ttl))
  elseif f[hid] then
    redis.call('HDEL', key, hid, eid)
  end
  if kind == 1 then
    redis.call('HSET', key, 'lv', string.format('%.17g', level), 't', int(t))
  end
  redis.call('PEXPIRE', key, keyTtl)
  out[4 * j - 3] = confirmed
  out[4 * j - 2] = granted
  out[4 * j - 1] = free
  out[4 * j] = spent
end
return out
