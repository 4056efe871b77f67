-- Token bucket in exact units (docs/algorithms.md): one token is w units, the bucket gains n
-- units per microsecond. The units s = q * w + f are kept as whole tokens q (<= burst) and a
-- fraction f (< w), so that no stored value reaches 2^53 though burst * w may reach 2^61.
-- State T (last allowed request), q, f. Absent: T == nil and a full bucket.
-- Loaded on first use by a rule that has this algorithm: the closures of the algorithms a rule
-- does not use are never created, which is most of the per-call cost of a long script.
local function load_TB()
  local TB = {}

  function TB.decode(L, raw, pos)
    L.T, L.q, L.f, pos = struct.unpack('<i8i8i8', raw, pos)
    return pos
  end

  function TB.init(L)
    L.q, L.f = L.B, 0
  end

  function TB.encode(L)
    return struct.pack('<i8i8i8', L.T, L.q, L.f)
  end

  local function tb_te(L, t)
    if L.T ~= nil and L.T > t then return L.T end
    return t
  end

  -- The bucket at te as (q, f): s + (te - T) * n, full once that reaches burst * w.
  local function tb_units(L, te)
    if L.q >= L.B then return L.B, 0 end
    local x = (te - L.T) * L.n + L.f
    if x < P53 then
      local g = math.floor(x / L.w)
      if g >= L.B - L.q then return L.B, 0 end
      return L.q + g, x - g * L.w
    end
    local gained, f = wdivmod(wadd(wmul(te - L.T, L.n), W(L.f)), L.w)
    if wcmp(gained, W(L.B - L.q)) >= 0 then return L.B, 0 end
    return L.q + wnum(gained), f
  end

  -- ceil(((k - q) * w - f) / n) for k > q or f == 0: time to reach k whole tokens
  local function tb_until(L, k, q, f)
    local x = (k - q) * L.w
    if x < P53 then return -idiv(f - x, L.n) end
    return wceil(wsub(wmul(k - q, L.w), W(f)), L.n)
  end

  function TB.admits(L, t, c)
    local q = tb_units(L, tb_te(L, t))
    return q >= c
  end

  function TB.consume(L, t, c)
    local te = tb_te(L, t)
    local q, f = tb_units(L, te)
    L.q, L.f, L.T = q - c, f, te
  end

  function TB.remaining(L, t)
    return (tb_units(L, tb_te(L, t)))
  end

  function TB.reset(L, t)
    local te = tb_te(L, t)
    local q, f = tb_units(L, te)
    return te, tb_until(L, L.B, q, f)
  end

  function TB.allowed(L, t, c)
    local te = tb_te(L, t)
    local q, f = tb_units(L, te)
    return te, tb_until(L, c, q, f)
  end

  function TB.idle(L)
    if L.q >= L.B then return L.T, 0 end
    return L.T, tb_until(L, L.B, L.q, L.f)
  end
  -- Multi-key refunds (92_refund.lua). Mark: the reservation's time te and the whole tokens of
  -- room the bucket had below full before it (so it could refill that much before capping).
  function TB.mark(L, c)
    local room = L.B - (L.q + c)
    if L.f > 0 then room = room - 1 end
    return L.T, max(0, room)
  end

  -- Gives back c tokens, less what the bucket without the reservation could have lost to its
  -- cap since te (refill beyond the room): never more than the reservation still holds, so a
  -- refund never admits more than if the reservation had not happened; exact when no time
  -- passed (a caller's timestamp).
  function TB.refund(L, te, room, c, t)
    local give = c
    local el = t - te
    if el > 0 then
      local gained = wmul(el, L.n)
      local roomUnits = wmul(room, L.w)
      if wcmp(gained, roomUnits) > 0 then
        local lost = wceil(wsub(gained, roomUnits), L.w)
        if wcmp(lost, W(c)) >= 0 then give = 0 else give = c - wnum(lost) end
      end
    end
    if give <= 0 then return end
    if L.q + give >= L.B then
      L.q, L.f = L.B, 0
    else
      L.q = L.q + give
    end
  end
  return TB
end
