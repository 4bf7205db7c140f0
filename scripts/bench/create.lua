-- wrk script: POST /api/tasks with a varied body and the bearer token from $TOKEN.
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

request = function()
  counter = counter + 1
  local body = string.format(
    '{"title":"bench task %d","priority":"high","tags":["bench","t%d"],"due_at":"2030-01-01T10:00:00Z"}',
    counter, counter % 7)
  return wrk.format(nil, "/api/tasks", nil, body)
end
