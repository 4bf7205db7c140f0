-- Takes (or keeps) the outbox publisher lock and returns the oldest events.
-- KEYS: lock key, outbox stream
-- ARGV: token, lock_ms, limit
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return false end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', ARGV[3])
