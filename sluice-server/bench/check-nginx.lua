-- As check.lua (the same body, 10,000 clients), plus the client as a header: nginx's limit_req
-- cannot read the JSON body, so its zone is keyed on X-Client-Id instead.
local n = 0
request = function()
  n = n + 1
  local c = 'c' .. (n % 10000)
  local body = '{"client_id":"' .. c .. '","rule_id":"bench"}'
  return wrk.format("POST", "/rate-limit/check",
    {["Content-Type"] = "application/json", ["X-Client-Id"] = c}, body)
end
