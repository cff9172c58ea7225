--[[
  cancel-if-queued-1.lua: cancel an import no worker has started, at once.

  A queued import has no run to notice the cancel flag, so the API ends it itself; checking the status in the same
  step means a worker that started the import meanwhile wins, and stops at its next write instead.

  KEYS[1]  the import record (hash)
  ARGV[1]  now (ms since epoch): finished_at

  Returns 1 when the import was queued and is now cancelled, else 0.
]]

if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancel_requested', '1', 'finished_at', ARGV[1])
return 1
