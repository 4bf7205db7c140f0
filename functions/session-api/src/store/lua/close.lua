-- Closes a live session for its owner (DELETE), queueing its one session.expired.
-- KEYS: session hash, message list, deadlines zset, outbox stream
-- ARGV: user, message_count the event was built with, event_json, session_id
local owner = redis.call('HGET', KEYS[1], 'user')
if not owner or owner ~= ARGV[1] then return 'notfound' end
if redis.call('HGET', KEYS[1], 'count') ~= ARGV[2] then return 'changed' end
if redis.call('ZREM', KEYS[3], ARGV[4]) == 0 then return 'expired' end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('XADD', KEYS[4], '*', 'event', ARGV[3])
return 'ok'
