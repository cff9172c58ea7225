--[[
  reserve-slot-6.lua: reserve the earliest send time for one Stripe request, for every worker of every process.

  Stripe counts arrivals in sliding one-second windows, so a token bucket with a burst lets a window exceed the
  limit. Instead each bucket keeps a log of granted send times (a sorted set, scores in ms on the Redis clock),
  and a request gets the earliest time t >= max(now, end of cool-down) such that, in the class bucket AND in the
  endpoint bucket at once:
  - no `window`-long interval containing t holds `limit` grants already, and
  - no grant lies closer to t than floor(window / limit) ms. Without this spacing the log repeats its first
    burst every window (100 grants at t, 100 at t + window, …); a burst reaches Stripe spread over tens of ms,
    so its tail met the next burst's head in one second and drew 429s (bench/rate-limit.ts). Spaced grants
    arrive as they were granted, and throughput is unchanged: `limit` per window either way.

  Each log has a hint "S F limit window": every time in [S, F) is known to have no room. Adding grants never
  makes room, so the hint stays true until a grant is removed (ARGV[6]); it lets a caller queued behind
  hundreds of reservations start its search near the end of the queue instead of reading the whole log.

  The class bucket's limit is the configured one (ARGV[1]) or, when Stripe has refused requests lately, the budget
  learnt from those 429s (lower-budget-5.lua), which grows back towards the configured one while no 429 comes: every
  caller of every process reads it here, in the same round-trip, so a lowered budget holds for all of them at once.

  KEYS[1]  cool-down key: a string holding the absolute end of the account's cool-down (ms, Redis clock)
  KEYS[2]  class log: sorted set of granted send times for reads, writes or search of one account
  KEYS[3]  endpoint log: sorted set of granted send times for one endpoint of one account
  KEYS[4]  class log hint (string)
  KEYS[5]  endpoint log hint (string)
  KEYS[6]  learned budget of the class: hash {rps = budget set by the last 429, at = when (ms, Redis clock)}
  ARGV[1]  configured class limit: grants per window; 0 = no class bucket (and nothing learnt)
  ARGV[2]  endpoint limit: grants per window; 0 = no endpoint bucket (KEYS[3] and KEYS[5] are left untouched)
  ARGV[3]  window in ms (1000 + a margin for the jitter between grant and arrival at Stripe)
  ARGV[4]  furthest ahead of now a reservation may be, in ms
  ARGV[5]  member: an id unique to this request
  ARGV[6]  optional: the member of an earlier grant the caller woke too late to use; it is forgotten, so its
           capacity serves others (removing an unused grant can never make a window overfill)
  ARGV[7]  growth of the learned budget: its first step, as a share of the learned rps (see learned-budget.ts)
  ARGV[8]  growth of the learned budget: the step doubles every this many ms

  Every reply ends with the class budget in force (rps × 100, an integer) and its epoch (the `at` of the last 429
  that lowered it; 0 when nothing is learnt): a grant of an older epoch was made under a larger budget.
  Returns {1, t, now, budget, epoch}: granted, send at t (ms, Redis clock).
          {0, t, now, budget, epoch}: the earliest slot t is more than ARGV[4] ahead; nothing recorded, ask later.
          {0, -1, now, budget, epoch}: no slot found within the search bound; nothing recorded, ask again later.
]]

-- Before Redis 5 a script that writes after TIME must replicate its effects, not itself.
if redis.replicate_commands then redis.replicate_commands() end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local class_limit = tonumber(ARGV[1])
local endpoint_limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local max_ahead = tonumber(ARGV[4])
local member = ARGV[5]
local growth = tonumber(ARGV[7])
local doubling = tonumber(ARGV[8])
-- Rounds of alternating between the class and the endpoint bucket before giving up (ask again later).
local MAX_ROUNDS = 16

-- The learned budget at `now`: rps × (1 + growth × (2^(elapsed / doubling) − 1)), never above the configured one.
local budget, epoch = class_limit, 0
if class_limit > 0 then
  local learned = redis.call('HMGET', KEYS[6], 'rps', 'at')
  if learned[1] then
    local rps, at = tonumber(learned[1]), tonumber(learned[2])
    budget = math.min(class_limit, rps * (1 + growth * (2 ^ ((now - at) / doubling) - 1)))
    epoch = at
    class_limit = math.max(1, math.floor(budget))
  end
end
local budget_reply = math.floor(budget * 100)

local buckets = {}
if class_limit > 0 then buckets[#buckets + 1] = { log = KEYS[2], hint = KEYS[4], limit = class_limit } end
if endpoint_limit > 0 then buckets[#buckets + 1] = { log = KEYS[3], hint = KEYS[5], limit = endpoint_limit } end

for _, b in ipairs(buckets) do
  if ARGV[6] and ARGV[6] ~= '' and redis.call('ZREM', b.log, ARGV[6]) == 1 then
    -- A removed grant may have made room anywhere near it: the hint no longer holds.
    redis.call('DEL', b.hint)
  end
  -- A grant at or before now - window can share no window with a time >= now; grants are kept one window more,
  -- so a 429 reported late still finds the second before it (lower-budget-5.lua counts it).
  redis.call('ZREMRANGEBYSCORE', b.log, '-inf', now - 2 * window)
end

local function read_hint(b)
  local text = redis.call('GET', b.hint)
  if not text then return nil end
  local s, f, l, w = string.match(text, '^(%S+) (%S+) (%S+) (%S+)$')
  -- A hint computed under another budget or window says nothing about this one.
  if tonumber(l) ~= b.limit or tonumber(w) ~= window then return nil end
  return tonumber(s), tonumber(f)
end

-- The earliest t' >= t where adding t' to the log keeps every window at most `limit` grants and every grant
-- `gap` ms away, in one sweep over the sorted log. For t' placed between p[pos-1] and p[pos]:
--   gap:      p[pos-1] + gap <= t' <= p[pos] - gap
--   window:   t' >= p[pos-limit] + window      (the `limit` grants just before t')
--             t' <= p[pos+limit-1] - window    (the `limit` grants just after t')
--             and no group of `limit` consecutive grants around t' (some before, some after) spans less
--             than a window: such a "full" group leaves no room inside it.
-- Grants at or before start - window cannot matter, so they are not read; the indices stay consistent because
-- only a prefix of the log is left out.
-- The gap-only search: the earliest t' >= start with no grant closer than `gap`, reading only grants near it.
local function gap_only(log, gap, start)
  if gap <= 0 then return start end
  local t = start
  local raw = redis.call('ZRANGEBYSCORE', log, '(' .. (start - gap), '+inf', 'WITHSCORES')
  for i = 2, #raw, 2 do
    local p = tonumber(raw[i])
    if p >= t + gap then break end
    if p > t - gap then t = p + gap end
  end
  return t
end

local function sweep(log, limit, start)
  local gap = math.floor(window / limit)
  -- Fewer than `limit` grants from start - window on: no window containing a time >= start can be full, so only
  -- the spacing binds. Counting is O(log n); reading the window is O(rate), which a raised limit makes thousands.
  if redis.call('ZCOUNT', log, '(' .. (start - window), '+inf') < limit then return gap_only(log, gap, start) end
  local raw = redis.call('ZRANGEBYSCORE', log, '(' .. (start - window), '+inf', 'WITHSCORES')
  local p = {}
  for i = 2, #raw, 2 do p[#p + 1] = tonumber(raw[i]) end
  local n = #p
  -- last_full[k]: the largest i <= k whose group p[i..i+limit-1] spans less than a window, or 0.
  local last_full = {}
  local full = 0
  for i = 1, n do
    if i + limit - 1 <= n and p[i + limit - 1] - p[i] < window then full = i end
    last_full[i] = full
  end
  local pos = 1
  while pos <= n and p[pos] < start do pos = pos + 1 end
  local from = start
  while true do
    local lo = from
    if pos > 1 then lo = math.max(lo, p[pos - 1] + gap) end
    if pos > limit then lo = math.max(lo, p[pos - limit] + window) end
    local hi = math.huge
    if pos <= n then hi = p[pos] - gap end
    if pos + limit - 1 <= n then hi = math.min(hi, p[pos + limit - 1] - window) end
    local straddled = false
    if pos > 1 and pos <= n then
      local f = last_full[pos - 1]
      straddled = f > 0 and f >= pos - limit + 1
    end
    if not straddled and lo <= hi then return lo end
    -- Nothing fits before p[pos]: try the next interval (past the last grant, everything fits).
    from = p[pos]
    pos = pos + 1
  end
end

-- sweep() from t, skipping what the hint already knows to be full, and widening the hint with what it learnt.
local function earliest(b, t)
  local s, f = read_hint(b)
  local hinted = s ~= nil and s <= t and t <= f
  local found = sweep(b.log, b.limit, hinted and f or t)
  -- [t, found) has no room: merged with the old hint when they meet. Otherwise an old hint that covers `now`
  -- is kept, since most callers start there (a search from further ahead comes from the other bucket).
  local new_s = t
  if hinted then
    new_s = s
  elseif found == t or (s ~= nil and s <= now and now < f) then
    return found
  end
  redis.call('SET', b.hint, new_s .. ' ' .. found .. ' ' .. b.limit .. ' ' .. window,
    'PX', math.max(1, math.ceil(found - now + window)))
  return found
end

local t = now
local cool_until = redis.call('GET', KEYS[1])
if cool_until then t = math.max(t, tonumber(cool_until)) end

local found = nil
for _ = 1, MAX_ROUNDS do
  if t - now > max_ahead then return {0, t, now, budget_reply, epoch} end
  local next_t = t
  for _, b in ipairs(buckets) do next_t = earliest(b, next_t) end
  if next_t == t or #buckets < 2 then
    found = next_t
    break
  end
  t = next_t
end
if not found then return {0, -1, now, budget_reply, epoch} end
if found - now > max_ahead then return {0, found, now, budget_reply, epoch} end

-- Expire each log when its latest grant can no longer matter, so an idle account leaves nothing behind.
for _, b in ipairs(buckets) do
  redis.call('ZADD', b.log, found, member)
  local last = redis.call('ZRANGE', b.log, -1, -1, 'WITHSCORES')
  local ttl = math.ceil(tonumber(last[2]) - now + window)
  redis.call('PEXPIRE', b.log, ttl)
  if redis.call('PTTL', b.hint) > ttl then redis.call('PEXPIRE', b.hint, ttl) end
end
return {1, found, now, budget_reply, epoch}
