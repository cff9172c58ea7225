--[[
  lower-budget-5.lua: after Stripe refused a granted request (429), learn the budget it really allows, for every
  worker of every process.

  Stripe refuses a request when its own sliding second already holds the account's limit of admitted requests. The
  class log holds what every process of ours sent, so the grants still in it during the second before the refused
  one (the refused ones are removed as they are reported) are what Stripe admitted from us: that is the rate to keep
  to. The budget becomes that count, never below ARGV[4]; it then grows back towards the configured one
  (reserve-slot-6.lua) until the next 429. One count says nothing, though: evenly spaced grants at the full budget
  B put B - 1 of them in the second before any grant, so a count of B - 1 or more is also what a request that merely
  reached Stripe late (a cold connection, a slow event loop) meets. Then the budget is only multiplied by ARGV[9]:
  a limit just below B is still found, step by step, and a late request does not cost a whole grant per second.
  Nor does one 429 cut the budget by more than ARGV[10]: a count from a second in which we barely sent (someone
  else's burst on the account) says little about the rate we can keep, and the next 429, moments later if the
  limit really is lower, cuts again.
  Only the first 429 of an epoch lowers it: a request granted before the budget was last lowered was sent at the
  old rate, and its refusal is already accounted for.

  KEYS[1]  learned budget of the class: hash {rps, at} (see reserve-slot-6.lua)
  KEYS[2]  class log: sorted set of granted send times (ms, Redis clock)
  KEYS[3]  endpoint log of the refused request's endpoint (only its grant is removed, when it is there)
  KEYS[4]  class log hint (string)
  KEYS[5]  endpoint log hint (string)
  ARGV[1]  configured class limit (rps); 0 = no class bucket, nothing to learn
  ARGV[2]  growth: first step as a share of the learned rps
  ARGV[3]  growth: the step doubles every this many ms
  ARGV[4]  the lowest budget ever learnt (rps)
  ARGV[5]  Stripe's window in ms (1000)
  ARGV[6]  member of the refused grant
  ARGV[7]  send time of the refused grant (ms, Redis clock)
  ARGV[8]  epoch the grant was made in (the `at` reserve-slot-6.lua replied with)
  ARGV[9]  factor applied to the budget when the count cannot tell the limit from lateness (< 1)
  ARGV[10] the largest cut one 429 makes: the budget never drops below this share of the budget in force

  Returns {lowered (1 or 0), budget in force (rps × 100, an integer), its epoch}.
]]

if redis.replicate_commands then redis.replicate_commands() end

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local member, configured = ARGV[6], tonumber(ARGV[1])
local growth, doubling = tonumber(ARGV[2]), tonumber(ARGV[3])
local sent_at, grant_epoch = tonumber(ARGV[7]), tonumber(ARGV[8])

-- Stripe did not count the refused request: neither do we, so its capacity serves the retry.
for i = 2, 3 do
  if member ~= '' and redis.call('ZREM', KEYS[i], member) == 1 then redis.call('DEL', KEYS[i + 2]) end
end
if configured <= 0 then return {0, 0, 0} end

local budget, epoch = configured, 0
local learned = redis.call('HMGET', KEYS[1], 'rps', 'at')
if learned[1] then
  local rps, at = tonumber(learned[1]), tonumber(learned[2])
  budget = math.min(configured, rps * (1 + growth * (2 ^ ((now - at) / doubling) - 1)))
  epoch = at
end
if grant_epoch ~= epoch then return {0, math.floor(budget * 100), epoch} end

local window = tonumber(ARGV[5])
local admitted = redis.call('ZCOUNT', KEYS[2], '(' .. (sent_at - window), '(' .. sent_at)
local rps = math.max(admitted, budget * tonumber(ARGV[10]))
if admitted >= budget - 1 then rps = budget * tonumber(ARGV[9]) end
rps = math.max(tonumber(ARGV[4]), rps)
redis.call('HSET', KEYS[1], 'rps', rps, 'at', now)
-- Forgotten once the growth has brought it back to the configured budget: then it says nothing any more.
local recovered_ms = doubling * math.log(1 + math.max(0, configured - rps) / (rps * growth)) / math.log(2)
redis.call('PEXPIRE', KEYS[1], math.ceil(recovered_ms + window))
return {1, math.floor(rps * 100), now}
