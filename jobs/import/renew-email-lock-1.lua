--[[
  renew-email-lock-1.lua: extend an email's lock, only if this holder still holds it.

  The lock expires on its own so a killed holder cannot block the email; a live holder renews it. Renewing a lock
  that expired and was taken by another row would hand one email to two rows: compare-and-extend in one step, and
  the holder learns it lost the lock.

  KEYS[1]  the email's lock (string holding the holder's token)
  ARGV[1]  the holder's token
  ARGV[2]  the new time to live in ms

  Returns 1 when renewed, 0 when the lock was gone or held by someone else.
]]

if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
