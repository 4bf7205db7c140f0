-- Claims sessions whose deadline passed by moving them to the expiring set (one sweeper gets
-- each); also hands out again claims older than the reclaim cutoff (their sweeper died).
-- KEYS: deadlines zset, expiring zset
-- ARGV: now_ms, limit, reclaim_before_ms
local claimed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(claimed) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], ARGV[1], id)
end
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(stale) do
  redis.call('ZADD', KEYS[2], ARGV[1], id)
  table.insert(claimed, id)
end
return claimed
