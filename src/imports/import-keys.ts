/** Redis key names of the import records; every key starts with the queue prefix so one Redis can host many deployments. */
export function importKeys(queuePrefix: string, importId: string) {
  const base = `${queuePrefix}:import:${importId}`;
  return {
    /** Hash: the record, its counts, the checkpoint and the run generation. */
    record: base,
  };
}

/** Sorted set of import ids scored by creation time (ms), for `GET /v1/imports`. */
export function importIndexKey(queuePrefix: string): string {
  return `${queuePrefix}:imports`;
}
