/** What an export reports to BullMQ (`job.progress`). */
export interface ExportProgress {
  customers: number;
  pages: number;
  bytes: number;
  /** Customers per second since this attempt started. */
  rate: number;
}

/**
 * Throttles progress reports to one per `intervalMs`: BullMQ writes each report to Redis and publishes an event,
 * which at 100 pages/s would cost more than the pages themselves.
 */
export function createProgressReporter(
  report: (progress: ExportProgress) => Promise<void>,
  /** Customers already written by earlier attempts (so a resumed export reports this attempt's rate). */
  startCustomers = 0,
  intervalMs = 500,
  now: () => number = Date.now,
): { update(totals: Omit<ExportProgress, 'rate'>, force?: boolean): Promise<void> } {
  const startedAt = now();
  let lastAt = -Infinity;
  return {
    async update(totals, force = false) {
      const t = now();
      if (!force && t - lastAt < intervalMs) return;
      lastAt = t;
      const seconds = Math.max(0.001, (t - startedAt) / 1000);
      const rate = Math.round(((totals.customers - startCustomers) / seconds) * 10) / 10;
      await report({ ...totals, rate });
    },
  };
}
