-- Fixed window (docs/algorithms.md): state S (window start) and k (permits counted in it).
-- Absent state: S == nil.
-- Loaded on first use by a rule that has this algorithm: the closures of the algorithms a rule
-- does not use are never created, which is most of the per-call cost of a long script.
local function load_FW()
  local FW = {}

  function FW.decode(L, raw, pos)
    L.S, L.k, pos = struct.unpack('<i8i8', raw, pos)
    return pos
  end

  function FW.encode(L)
    return struct.pack('<i8i8', L.S, L.k)
  end

  local function fw_te(L, t)
    if L.S ~= nil and L.S > t then return L.S end
    return t
  end

  local function fw_start(L, t)
    local te = fw_te(L, t)
    return te - math.fmod(te, L.W), te
  end

  local function fw_count(L, start)
    if L.S == nil or start > L.S then return 0 end
    return L.k
  end

  function FW.admits(L, t, c)
    return fw_count(L, (fw_start(L, t))) + c <= L.N
  end

  function FW.consume(L, t, c)
    local start = fw_start(L, t)
    L.k = fw_count(L, start) + c
    L.S = start
  end

  function FW.remaining(L, t)
    return L.N - fw_count(L, (fw_start(L, t)))
  end

  function FW.reset(L, t)
    local start, te = fw_start(L, t)
    if fw_count(L, start) > 0 then return start, L.W end
    return te, 0
  end

  function FW.allowed(L, t, c)
    local start = fw_start(L, t)
    return start, L.W
  end

  function FW.idle(L)
    return L.S, L.W
  end
  -- Multi-key refunds (92_refund.lua): the window the consumption was counted in, and giving
  -- the cost back while that window still counts.
  function FW.mark(L, c)
    return L.S, 0
  end

  function FW.refund(L, mark, _, c, t)
    if L.S == mark then L.k = max(0, L.k - c) end
  end
  return FW
end
