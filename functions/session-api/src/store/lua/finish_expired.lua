-- Ends a claimed session exactly once: whoever removes it from the expiring set queues the event.
-- KEYS: session hash, message list, expiring zset, outbox stream
-- ARGV: session_id, event_json, keep_ms
if redis.call('ZREM', KEYS[3], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'ended', '1')
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
redis.call('DEL', KEYS[2])
redis.call('XADD', KEYS[4], '*', 'event', ARGV[2])
return 1
