// Built in the one key module; re-exported so the import store's callers keep their imports.
export { importIndexKey, importKeys } from '../redis-keys.ts';
