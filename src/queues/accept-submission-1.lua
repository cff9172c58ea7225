--[[
  accept-submission-1.lua: the API's last write before it answers 202; see open-submission-1.lua for why.

  KEYS[1]  the submission key
  Returns 1 when the submission is accepted (now, or already), 0 when its deadline has passed or it was refused.
]]
local v = redis.call('GET', KEYS[1])
if v == 'accepted' then return 1 end
if not v or v == 'refused' then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now > tonumber(v) then
  redis.call('SET', KEYS[1], 'refused', 'KEEPTTL')
  return 0
end
redis.call('SET', KEYS[1], 'accepted', 'KEEPTTL')
return 1
