--[[
  unindex-emails-4.lua: take customers out of an email index (a customer deleted, or whose email changed, since
  the walk that indexed it). Idempotent: a customer not indexed under that digest changes nothing.

  KEYS[1]  sorted set: `<digest>:<customer id>`, score 0
  KEYS[2]  sorted set: email digest → number of customers sharing it, for digests with more than one
  KEYS[3]  hash: customer id → the fields an audit lists (JSON)
  KEYS[4]  hash: customer id → digest of the email exactly as stored
  ARGV     digest, id for each customer

  Returns the number of customers taken out.
]]

local removed = 0
for i = 1, #ARGV, 2 do
  local digest, id = ARGV[i], ARGV[i + 1]
  if redis.call('ZREM', KEYS[1], digest .. ':' .. id) == 1 then
    removed = removed + 1
    local size = redis.call('ZLEXCOUNT', KEYS[1], '[' .. digest .. ':', '(' .. digest .. ';')
    if size > 1 then redis.call('ZADD', KEYS[2], size, digest) else redis.call('ZREM', KEYS[2], digest) end
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[4], id)
  end
end
return removed
