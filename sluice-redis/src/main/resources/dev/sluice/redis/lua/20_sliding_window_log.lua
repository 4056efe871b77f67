-- Sliding window log (docs/algorithms.md), exact: the grants (time, count), oldest first, equal
-- times merged. Encoded as the number of entries followed by the pairs. Absent: no entries.
-- Loaded on first use by a rule that has this algorithm: the closures of the algorithms a rule
-- does not use are never created, which is most of the per-call cost of a long script.
local function load_SL()
  local SL = {}

  function SL.decode(L, raw, pos)
    local m
    m, pos = struct.unpack('<i8', raw, pos)
    local times, counts = {}, {}
    for j = 1, m do
      times[j], counts[j], pos = struct.unpack('<i8i8', raw, pos)
    end
    L.times, L.counts = times, counts
    return pos
  end

  function SL.init(L)
    L.times, L.counts = {}, {}
  end

  function SL.encode(L)
    local parts = { struct.pack('<i8', #L.times) }
    for j = 1, #L.times do
      parts[j + 1] = struct.pack('<i8i8', L.times[j], L.counts[j])
    end
    return table.concat(parts)
  end

  local function sl_te(L, t)
    local n = #L.times
    if n > 0 and L.times[n] > t then return L.times[n] end
    return t
  end

  -- Permits granted at times after the boundary, and the index of the first such grant.
  local function sl_used(L, boundary)
    local used, first = 0, nil
    for j = #L.times, 1, -1 do
      if L.times[j] <= boundary then break end
      used = used + L.counts[j]
      first = j
    end
    return used, first
  end

  function SL.admits(L, t, c)
    return sl_used(L, sl_te(L, t) - L.W) + c <= L.N
  end

  function SL.consume(L, t, c)
    local te = sl_te(L, t)
    local boundary = te - L.W
    local times, counts = {}, {}
    local m = 0
    for j = 1, #L.times do
      if L.times[j] > boundary then
        m = m + 1
        times[m], counts[m] = L.times[j], L.counts[j]
      end
    end
    if m > 0 and times[m] == te then
      counts[m] = counts[m] + c
    else
      m = m + 1
      times[m], counts[m] = te, c
    end
    L.times, L.counts = times, counts
  end

  function SL.remaining(L, t)
    return L.N - sl_used(L, sl_te(L, t) - L.W)
  end

  function SL.reset(L, t)
    local te = sl_te(L, t)
    if sl_used(L, te - L.W) > 0 then return L.times[#L.times], L.W end
    return te, 0
  end

  function SL.allowed(L, t, c)
    local used, first = sl_used(L, sl_te(L, t) - L.W)
    local need = used + c - L.N
    local acc = 0
    local j = first
    while true do
      acc = acc + L.counts[j]
      if acc >= need or j == #L.times then break end
      j = j + 1
    end
    return L.times[j], L.W
  end

  function SL.idle(L)
    return L.times[#L.times], L.W
  end
  -- Multi-key refunds (92_refund.lua): the grant time the consumption was logged at (the newest
  -- entry right after consuming), and taking the cost out of that entry if it is still logged.
  function SL.mark(L, c)
    return L.times[#L.times], 0
  end

  function SL.refund(L, mark, _, c, t)
    for j = #L.times, 1, -1 do
      if L.times[j] == mark then
        if L.counts[j] > c then
          L.counts[j] = L.counts[j] - c
        else
          table.remove(L.times, j)
          table.remove(L.counts, j)
        end
        return
      end
    end
  end
  return SL
end
