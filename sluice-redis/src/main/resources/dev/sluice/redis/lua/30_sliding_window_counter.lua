-- Sliding window counter (docs/algorithms.md): state S, cur, prev. Absent: S == nil.
-- Counts stay below 2^53; the products of a count and the window (below 2^61) are wide.
-- Loaded on first use by a rule that has this algorithm: the closures of the algorithms a rule
-- does not use are never created, which is most of the per-call cost of a long script.
local function load_SC()
  local SC = {}

  function SC.decode(L, raw, pos)
    L.S, L.cur, L.prev, pos = struct.unpack('<i8i8i8', raw, pos)
    return pos
  end

  function SC.encode(L)
    return struct.pack('<i8i8i8', L.S, L.cur, L.prev)
  end

  local function sc_frame(L, t)
    local te = t
    if L.S ~= nil and L.S > te then te = L.S end
    local start = te - math.fmod(te, L.W)
    local cur, prev = 0, 0
    if L.S ~= nil then
      if start == L.S then
        cur, prev = L.cur, L.prev
      elseif start == L.S + L.W then
        prev = L.cur
      end
    end
    return te, start, cur, prev
  end

  -- prev * (W - e) + (cur + c) * W <= N * W, i.e. prev * (W - e) <= (N - cur - c) * W
  function SC.admits(L, t, c)
    local te, start, cur, prev = sc_frame(L, t)
    local a = L.N - cur - c
    if a < 0 then return false end
    if L.N * L.W < P53 then
      return prev * (L.W - (te - start)) <= a * L.W
    end
    return wcmp(wmul(prev, L.W - (te - start)), wmul(a, L.W)) <= 0
  end

  function SC.consume(L, t, c)
    local _, start, cur, prev = sc_frame(L, t)
    L.S, L.cur, L.prev = start, cur + c, prev
  end

  -- floor((N*W - prev*(W - e) - cur*W) / W) = N - cur - ceil(prev * (W - e) / W)
  function SC.remaining(L, t)
    local te, start, cur, prev = sc_frame(L, t)
    if L.N * L.W < P53 then
      return max(0, idiv(L.N * L.W - prev * (L.W - (te - start)) - cur * L.W, L.W))
    end
    local used = wnum(wceil(wmul(prev, L.W - (te - start)), L.W))
    return max(0, L.N - cur - used)
  end

  function SC.reset(L, t)
    local te, start, cur, prev = sc_frame(L, t)
    if cur > 0 then return start, 2 * L.W end
    if prev > 0 then return start, L.W end
    return te, 0
  end

  function SC.allowed(L, t, c)
    local _, start, cur, prev = sc_frame(L, t)
    local spare = L.N - cur - c
    if L.N * L.W < P53 then
      if spare >= 0 and prev > 0 then
        local at = L.W - idiv(spare * L.W, prev)
        if at < L.W then return start, at end
      end
      if cur == 0 then return start, L.W end
      return start, L.W + max(0, L.W - idiv((L.N - c) * L.W, cur))
    end
    local w = W(L.W)
    if spare >= 0 and prev > 0 then
      local at = wsub(w, wfloor(wmul(spare, L.W), prev))
      if wcmp(at, w) < 0 then return start, at end
    end
    if cur == 0 then return start, w end
    local late = wsub(w, wfloor(wmul(L.N - c, L.W), cur))
    if wneg_p(late) then late = ZERO end
    return start, wadd(w, late)
  end

  function SC.idle(L)
    if L.cur > 0 then return L.S, 2 * L.W end
    return L.S, L.W
  end
  -- Multi-key refunds (92_refund.lua): the window the consumption was counted in; while it is
  -- the current window the cost leaves cur, once it is the previous one it leaves prev.
  function SC.mark(L, c)
    return L.S, 0
  end

  function SC.refund(L, mark, _, c, t)
    if L.S == mark then
      L.cur = max(0, L.cur - c)
    elseif L.S == mark + L.W then
      L.prev = max(0, L.prev - c)
    end
  end
  return SC
end
