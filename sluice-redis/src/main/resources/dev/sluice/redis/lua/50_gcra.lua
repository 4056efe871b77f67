-- GCRA (docs/algorithms.md). The theoretical arrival time TAT = A + D + r/n is kept relative to
-- A, the timestamp of the last allowed request: D is wide (up to burst * w / n, below 2^61) and
-- stored as two 32-bit halves, 0 <= r < n. Absent: A == nil (a TAT before every timestamp).
-- Loaded on first use by a rule that has this algorithm: the closures of the algorithms a rule
-- does not use are never created, which is most of the per-call cost of a long script.
local function load_GC()
  local GC = {}

  function GC.decode(L, raw, pos)
    local dl, dh
    L.A, dl, dh, L.r, pos = struct.unpack('<i8I4i4i8', raw, pos)
    L.D = { dh, dl }
    return pos
  end

  function GC.encode(L)
    return struct.pack('<i8I4i4i8', L.A, L.D[2], L.D[1], L.r)
  end

  local function gc_tol(L)
    if L.tol == nil then
      L.tol = wmul(L.B, L.w)
      L.maxWhole = (wdivmod(L.tol, L.n))
    end
    return L.tol
  end

  -- TAT - t in whole microseconds (floor, wide), and whether TAT > t.
  local function gc_ahead(L, t)
    if L.A == nil then return ZERO, false end
    local whole = wadd(W(L.A - t), L.D)
    local s = wcmp(whole, ZERO)
    return whole, s > 0 or (s == 0 and L.r > 0)
  end

  -- (TAT - t) * n for TAT > t (wide), or nil when it exceeds burst * w.
  local function gc_scaled(L, whole)
    gc_tol(L)
    if wcmp(whole, L.maxWhole) > 0 then return nil end
    return wadd(wmulw(whole, L.n), W(L.r))
  end

  function GC.admits(L, t, c)
    local whole, after = gc_ahead(L, t)
    local ahead = ZERO
    if after then ahead = gc_scaled(L, whole) end
    return ahead ~= nil and wcmp(wadd(ahead, wmul(c, L.w)), gc_tol(L)) <= 0
  end

  function GC.consume(L, t, c)
    local whole, after = gc_ahead(L, t)
    local D, r = ZERO, 0
    if after then D, r = whole, L.r end
    local dq, dr = wdivmod(wmul(c, L.w), L.n)
    D = wadd(D, dq)
    if dr >= L.n - r then
      r = r - (L.n - dr)
      D = wadd(D, ONE)
    else
      r = r + dr
    end
    L.A, L.D, L.r = t, D, r
  end

  function GC.remaining(L, t)
    local whole, after = gc_ahead(L, t)
    if not after then return L.B end
    local ahead = gc_scaled(L, whole)
    if ahead == nil or wcmp(ahead, gc_tol(L)) > 0 then return 0 end
    return wnum(wfloor(wsub(gc_tol(L), ahead), L.w))
  end

  function GC.reset(L, t)
    local _, after = gc_ahead(L, t)
    if not after then return t, 0 end
    if L.r > 0 then return L.A, wadd(L.D, ONE) end
    return L.A, L.D
  end

  function GC.allowed(L, t, c)
    return L.A, wadd(L.D, wceil(wsub(W(L.r), wmul(L.B - c, L.w)), L.n))
  end

  function GC.idle(L)
    if L.r > 0 then return L.A, wadd(L.D, ONE) end
    return L.A, L.D
  end
  -- Multi-key refunds (92_refund.lua). Mark: the reservation's time and how far, in whole
  -- microseconds, the TAT was ahead of it before (how long the meter without the reservation
  -- could go on before reaching its floor, max(TAT, t)).
  function GC.mark(L, c)
    local before = wsub(wadd(wmulw(L.D, L.n), W(L.r)), wmul(c, L.w))
    if wneg_p(before) then return L.A, 0 end
    local room = wfloor(before, L.n)
    if room[1] >= 2097152 then return L.A, P53 - 1 end
    return L.A, wnum(room)
  end

  -- Moves the TAT back by the reservation's c * w / n, less what the meter without it could
  -- have lost to the floor since (time beyond the room), and never before A: never more than
  -- the reservation still holds; exact when no time passed.
  function GC.refund(L, te, room, c, t)
    local give = wmul(c, L.w)
    local el = t - te
    if el > room then
      give = wsub(give, wmul(el - room, L.n))
      if wneg_p(give) or wcmp(give, ZERO) == 0 then return end
    end
    local total = wsub(wadd(wmulw(L.D, L.n), W(L.r)), give)
    if wneg_p(total) then total = ZERO end
    local d, r = wdivmod(total, L.n)
    L.D, L.r = d, r
  end
  return GC
end
