-- As check-nginx.lua, each connection waiting 1 ms between requests (see check-paced.lua).
local n = 0
request = function()
  n = n + 1
  local c = 'c' .. (n % 10000)
  local body = '{"client_id":"' .. c .. '","rule_id":"bench"}'
  return wrk.format("POST", "/rate-limit/check",
    {["Content-Type"] = "application/json", ["X-Client-Id"] = c}, body)
end
delay = function() return 1 end
