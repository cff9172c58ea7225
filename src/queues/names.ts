/** BullMQ queue names. Job names equal their queue's name: one kind of job per queue. */
export const QUEUE_NAMES = {
  import: 'import-customers',
  export: 'export-customers',
  delete: 'delete-customers',
  audit: 'audit-customers',
  deprovision: 'deprovision-team-members',
} as const;

export type QueueKey = keyof typeof QUEUE_NAMES;
export type QueueName = (typeof QUEUE_NAMES)[QueueKey];
