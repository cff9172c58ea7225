// Built in the one key module; re-exported so the export store's callers keep their imports.
export { exportKeys } from '../redis-keys.ts';
