-- As check.lua, each connection waiting 1 ms between requests: offered load ~ connections x 1000/s.
local n = 0
request = function()
  n = n + 1
  local body = '{"client_id":"c' .. (n % 10000) .. '","rule_id":"bench"}'
  return wrk.format("POST", "/rate-limit/check", {["Content-Type"] = "application/json"}, body)
end
delay = function() return 1 end
