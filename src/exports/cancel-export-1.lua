--[[
  cancel-export-1.lua: cancel a queued or running export, and say what it was.

  Reading the status and writing the cancel in one step lets the API answer truthfully: a DELETE that races the
  export's completion either cancels it or learns it had already completed, never both.

  KEYS[1]  the export record (hash)
  ARGV[1]  now (ms since epoch): finished_at

  Returns the status before the call (the export is cancelled only if it was queued or running), or nil when
  there is no such record.
]]

local status = redis.call('HGET', KEYS[1], 'status')
if not status then return false end
if status == 'queued' or status == 'running' then
  redis.call('HSET', KEYS[1], 'cancel_requested', '1', 'status', 'cancelled', 'finished_at', ARGV[1])
end
return status
