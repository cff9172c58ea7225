--[[
  open-submission-1.lua: open the acceptance window of a job the API is about to record and queue.

  A Redis that freezes (SIGSTOP, a partition) applies the commands it had received when it wakes up, after the API
  has given up and answered 503. The job would then run although its client was refused. So a submission is only
  accepted if its acceptance reaches Redis before a deadline on Redis's own clock; a worker runs nothing that was
  not accepted (accept-submission-1.lua, settle-submission-1.lua).

  KEYS[1]  the submission key (a string): a deadline in ms (Redis clock), then 'accepted' or 'refused'
  ARGV[1]  the window in ms: shorter than the API's command timeout, so a refused client is never accepted later
  ARGV[2]  how long the key lives, in ms (longer than any wait of a job in the queue)
  Returns the deadline.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local deadline = now + tonumber(ARGV[1])
redis.call('SET', KEYS[1], deadline, 'PX', ARGV[2])
return deadline
