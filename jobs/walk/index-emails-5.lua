--[[
  index-emails-5.lua: add one page of customers to an email index (normalised email digest → customer ids).

  A page may be indexed twice (a worker killed after indexing it, before its checkpoint, is followed by one that
  reads it again), so every write is idempotent: a customer already indexed changes nothing. Members are kept as
  `<digest>:<id>` in one sorted set (all scores 0), so membership and a group's size cost O(log n) however many
  customers share one email (an account where thousands share a placeholder address must not stall Redis), and a
  group's ids are one ZRANGEBYLEX. Keeping the index in Redis keeps a worker's memory flat however large the account.

  KEYS[1]  sorted set: `<digest>:<customer id>`, score 0
  KEYS[2]  sorted set: email digest → number of customers sharing it, for digests with more than one
  KEYS[3]  hash: customer id → the fields an audit lists (JSON)
  KEYS[4]  set: metadata keys seen
  KEYS[5]  hash: customer id → digest of the email exactly as stored, when that is not its normalised form
  ARGV[1]  number of customers n
  ARGV[2 .. 1+4n]  digest, id, details (JSON, or '' to keep no details), exact-casing digest ('' when the stored
                   email is already normalised) for each customer
  ARGV[2+4n ..]    metadata keys to add to KEYS[4]

  Returns the number of customers added to the index (0 for a page indexed before).
]]

local n = tonumber(ARGV[1])
local added = 0
for i = 0, n - 1 do
  local digest, id, details, casing = ARGV[2 + 4 * i], ARGV[3 + 4 * i], ARGV[4 + 4 * i], ARGV[5 + 4 * i]
  if redis.call('ZADD', KEYS[1], 'NX', 0, digest .. ':' .. id) == 1 then
    added = added + 1
    local size = redis.call('ZLEXCOUNT', KEYS[1], '[' .. digest .. ':', '(' .. digest .. ';')
    if size > 1 then redis.call('ZADD', KEYS[2], size, digest) end
  end
  if details ~= '' then redis.call('HSET', KEYS[3], id, details) end
  if casing ~= '' then redis.call('HSET', KEYS[5], id, casing) else redis.call('HDEL', KEYS[5], id) end
end
if #ARGV > 1 + 4 * n then
  redis.call('SADD', KEYS[4], unpack(ARGV, 2 + 4 * n))
end
return added
