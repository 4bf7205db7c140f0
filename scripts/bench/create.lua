-- wrk script: POST /api/tasks with a varied body. $TOKENS holds comma-separated bearer tokens;
-- requests rotate through them, so creates are spread over that many users.
local counter = 0
local tokens = {}
for token in string.gmatch(os.getenv("TOKENS") or "", "[^,]+") do
  table.insert(tokens, token)
end
wrk.method = "POST"

request = function()
  counter = counter + 1
  local body = string.format(
    '{"title":"bench task %d","priority":"high","tags":["bench","t%d"],"due_at":"2030-01-01T10:00:00Z"}',
    counter, counter % 7)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1],
  }
  return wrk.format(nil, "/api/tasks", headers, body)
end
