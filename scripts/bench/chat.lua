-- wrk script: chat turns of people using the assistant, four questions for each task added.
-- $TOKENS holds comma-separated bearer tokens; requests rotate through them (one user per token).
-- Each turn opens a new session (no session_id), as a first message does.
local counter = 0
local tokens = {}
for token in string.gmatch(os.getenv("TOKENS") or "", "[^,]+") do
  table.insert(tokens, token)
end
local questions = {
  "show my tasks",
  "what's due this week?",
  "list my high priority tasks",
  "anything overdue?",
}

request = function()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local message
  if counter % 5 == 0 then
    message = string.format("add call the plumber %d tomorrow at 5pm", counter)
  else
    message = questions[(counter % 5)]
  end
  return wrk.format("POST", "/api/chat",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    string.format('{"message":"%s"}', message))
end
