--[[
  extend-cool-down-1.lua: after a 429, hold off every worker of the account until now + ms, unless a longer
  cool-down is already running (two workers hitting 429 at once must not shorten each other's back-off).

  KEYS[1]  cool-down key: a string holding the absolute end of the cool-down (ms, Redis clock)
  ARGV[1]  cool-down length in ms (> 0)

  Returns the end of the cool-down in force (ms, Redis clock).
]]

if redis.replicate_commands then redis.replicate_commands() end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ms = math.ceil(tonumber(ARGV[1]))
local ends = now + ms
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= ends then return tonumber(current) end
redis.call('SET', KEYS[1], ends, 'PX', ms)
return ends
