--[[
  set-unless-cancelled-1.lua: write fields of an export record unless the export was cancelled.

  A cancel wins over any later transition of the job: a worker finishing a page after a DELETE must not turn the
  cancelled export back into running or completed. A missing record is never recreated by a late write.

  KEYS[1]  the export record (hash)
  ARGV[1]  field, ARGV[2] value, ARGV[3] field, … (pairs)

  Returns 1 when written, 0 when the export was cancelled, -1 when there is no such record.
]]

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
