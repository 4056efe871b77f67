-- One check by id per request, over keep-alive; clients spread over 10,000 keys.
local n = 0
request = function()
  n = n + 1
  local body = '{"client_id":"c' .. (n % 10000) .. '","rule_id":"bench"}'
  return wrk.format("POST", "/rate-limit/check", {["Content-Type"] = "application/json"}, body)
end
