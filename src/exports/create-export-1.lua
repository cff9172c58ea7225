--[[
  create-export-1.lua: create an export record, unless one with this id exists.

  A schedule's run creates its record on its first start; a resumed run must keep that record (counters, snapshot),
  so the create is conditional. The record's ids are added to the index sets by the caller afterwards, with ZADD NX
  (idempotent): those sets are shared by every export of the deployment, so they cannot share a Redis Cluster slot
  with the record, and this script touches the record only.

  KEYS[1]  the export record (hash)
  ARGV[1]  field, ARGV[2] value, ARGV[3] field, … (pairs)

  Returns 1 when created, 0 when the record already existed (nothing changed).
]]

if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
