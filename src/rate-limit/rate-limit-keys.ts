// Built in the one key module; re-exported so the limiter's imports stay where they were.
export { rateLimitKeys, type RateLimitKeys } from '../redis-keys.ts';
