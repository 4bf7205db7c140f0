-- Adds a message to a live session, atomically with its TTL slide and its event.
-- KEYS: session hash, message list, deadlines zset, outbox stream
-- ARGV: user, now_ms, ttl_ms, keep_ms, max_messages, message_json, event_json ('' for none), session_id,
--       then any further events to queue with it
local owner = redis.call('HGET', KEYS[1], 'user')
if not owner or owner ~= ARGV[1] then return {'notfound'} end
if redis.call('HGET', KEYS[1], 'ended') == '1' then return {'expired'} end
local deadline = redis.call('ZSCORE', KEYS[3], ARGV[8])
if not deadline or tonumber(deadline) <= tonumber(ARGV[2]) then return {'expired'} end
local seq = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[2])
redis.call('RPUSH', KEYS[2], seq .. '|' .. ARGV[6])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
redis.call('ZADD', KEYS[3], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[8])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if ARGV[7] ~= '' then redis.call('XADD', KEYS[4], '*', 'event', ARGV[7]) end
for i = 9, #ARGV do redis.call('XADD', KEYS[4], '*', 'event', ARGV[i]) end
return {'ok', tostring(seq)}
