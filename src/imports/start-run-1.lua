--[[
  start-run-1.lua: a job run takes over an import, unless the import already ended.

  Bumping the run generation in the same step as the status check makes the newest run the only writer (see
  fenced-hset-1.lua); started_at keeps the first start, so a resumed import reports when it really began.

  KEYS[1]  the import record (hash)
  ARGV[1]  now (ms since epoch): started_at, if the import never started before

  Returns the new run generation (>= 1), or 0 when the import is missing, completed, cancelled or failed.
]]

local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'completed' or status == 'cancelled' or status == 'failed' then return 0 end
local run = redis.call('HINCRBY', KEYS[1], 'run', 1)
redis.call('HSET', KEYS[1], 'status', 'running')
redis.call('HSETNX', KEYS[1], 'started_at', ARGV[1])
return run
