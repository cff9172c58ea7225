export { freePort } from '../../src/startup/local-redis.ts';
