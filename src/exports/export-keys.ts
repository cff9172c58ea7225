/**
 * Redis keys of exports and export schedules, all under the configured queue prefix so one Redis can host several
 * deployments (and every test its own prefix).
 */
export const exportKeys = {
  /** Hash: the export record. */
  record: (prefix: string, id: string) => `${prefix}:export:${id}`,
  /** Hash: slice id → SliceState JSON (the resume plan of a running export). */
  slices: (prefix: string, id: string) => `${prefix}:export:${id}:slices`,
  /** Set: the metadata keys present in the pages checkpointed so far (the header of a default-columns export). */
  metadataKeys: (prefix: string, id: string) => `${prefix}:export:${id}:metadata-keys`,
  /** Sorted set of export ids scored by creation time (ms), for `GET /v1/exports`. */
  recent: (prefix: string) => `${prefix}:exports`,
  /** Hash: the schedule record. */
  schedule: (prefix: string, scheduleId: string) => `${prefix}:export-schedule:${scheduleId}`,
  /** Sorted set of schedule ids scored by creation time. */
  schedules: (prefix: string) => `${prefix}:export-schedules`,
  /** Sorted set of the export ids a schedule made, scored by creation time (ms): retention walks it. */
  scheduleRuns: (prefix: string, scheduleId: string) => `${prefix}:export-schedule:${scheduleId}:exports`,
};
