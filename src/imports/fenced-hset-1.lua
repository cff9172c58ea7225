--[[
  fenced-hset-1.lua: write fields of an import record only if the writer's run is still the newest one.

  A worker that lost its job (stalled, then the job was handed to another worker) keeps running until it notices;
  the run generation fences it out, so it can neither move the checkpoint back nor end an import another run owns.
  A missing record is never recreated by a late write.

  KEYS[1]  the import record (hash)
  ARGV[1]  the writer's run generation, or '' for an unfenced write (a cancel request from the API)
  ARGV[2]  field, ARGV[3] value, ARGV[4] field, … (pairs)

  Returns 1 when written, 0 when refused (another run owns the import, or no such record).
]]

if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
