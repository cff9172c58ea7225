--[[
  release-email-lock-1.lua: release an email's lock, only if this holder still holds it.

  A holder that stalled past the lock's TTL may find the lock taken by another row; deleting it unconditionally
  would let a third row in while the second still creates. Compare-and-delete in one step.

  KEYS[1]  the email's lock (string holding the holder's token)
  ARGV[1]  the holder's token

  Returns 1 when released, 0 when the lock was gone or held by someone else.
]]

if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
