--[[
  index-emails-4.lua: add one page of customers to an email index (normalised email digest → customer ids).

  A page may be indexed twice (a worker killed after indexing it, before its checkpoint, is followed by one that
  reads it again), so every write is idempotent: an id already listed under its digest is not added again, and a
  group's size is set, not incremented. Keeping the lists in Redis keeps a worker's memory flat however large the
  account is.

  KEYS[1]  hash: email digest → ids, space-separated
  KEYS[2]  sorted set: email digest → number of ids, for digests with more than one id
  KEYS[3]  hash: customer id → the fields an audit lists (JSON)
  KEYS[4]  set: metadata keys seen
  ARGV[1]  number of customers n
  ARGV[2 .. 1+3n]  digest, id, details (JSON, or '' to keep no details) for each customer
  ARGV[2+3n ..]    metadata keys to add to KEYS[4]

  Returns the number of customers added to the index (0 for a page indexed before).
]]

local n = tonumber(ARGV[1])
local added = 0
for i = 0, n - 1 do
  local digest, id, details = ARGV[2 + 3 * i], ARGV[3 + 3 * i], ARGV[4 + 3 * i]
  local ids = redis.call('HGET', KEYS[1], digest)
  if not ids then
    redis.call('HSET', KEYS[1], digest, id)
    added = added + 1
  elseif not string.find(' ' .. ids .. ' ', ' ' .. id .. ' ', 1, true) then
    ids = ids .. ' ' .. id
    redis.call('HSET', KEYS[1], digest, ids)
    local _, spaces = string.gsub(ids, ' ', ' ')
    redis.call('ZADD', KEYS[2], spaces + 1, digest)
    added = added + 1
  end
  if details ~= '' then redis.call('HSET', KEYS[3], id, details) end
end
if #ARGV > 1 + 3 * n then
  redis.call('SADD', KEYS[4], unpack(ARGV, 2 + 3 * n))
end
return added
