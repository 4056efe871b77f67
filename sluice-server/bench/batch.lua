-- One batch of 1000 checks by id per request.
local parts = {}
for i = 1, 1000 do
  parts[i] = '{"client_id":"c' .. i .. '","rule_id":"bench"}'
end
local body = '{"checks":[' .. table.concat(parts, ",") .. ']}'
request = function()
  return wrk.format("POST", "/rate-limit/check/batch", {["Content-Type"] = "application/json"},
    body)
end
