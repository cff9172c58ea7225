--[[
  settle-submission-1.lua: what a worker may do with a job it took; see open-submission-1.lua for why.

  KEYS[1]  the submission key
  Returns 'accepted', 'refused' (its deadline passed without an acceptance: it is refused for good, so a late
  acceptance cannot follow), 'none' (no submission: a scheduled run, or a job queued before submissions existed or
  older than the key's lifetime), or the ms left before the deadline (the API's acceptance may still arrive).
]]
local v = redis.call('GET', KEYS[1])
if not v then return 'none' end
if v == 'accepted' or v == 'refused' then return v end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local left = tonumber(v) - now
if left < 0 then
  redis.call('SET', KEYS[1], 'refused', 'KEEPTTL')
  return 'refused'
end
return tostring(left)
