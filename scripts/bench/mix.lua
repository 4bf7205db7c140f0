-- wrk script: the request mix of a person using the app: four list reads for each create.
-- $TOKENS holds comma-separated bearer tokens; requests rotate through them (one user per token).
local counter = 0
local tokens = {}
for token in string.gmatch(os.getenv("TOKENS") or "", "[^,]+") do
  table.insert(tokens, token)
end

request = function()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  if counter % 5 == 0 then
    local body = string.format(
      '{"title":"capacity task %d","priority":"medium","tags":["bench"],"due_at":"2030-01-01T10:00:00Z"}',
      counter)
    return wrk.format("POST", "/api/tasks",
      { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
  end
  return wrk.format("GET", "/api/tasks?limit=50", { ["Authorization"] = "Bearer " .. token })
end
