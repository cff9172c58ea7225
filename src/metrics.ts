import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one process (API or worker), served at /metrics. */
export interface Metrics {
  registry: Registry;
  stripeRequests: Counter<'kind' | 'endpoint' | 'status'>;
  stripeRateLimited: Counter<'kind'>;
  stripeRequestSeconds: Histogram<'kind'>;
  tokenWaitSeconds: Counter<'kind'>;
  learnedBudget: Gauge<'kind'>;
  rows: Counter<'outcome'>;
  activeJobs: Gauge<'queue'>;
  exportBytes: Counter;
  exportCustomers: Counter;
  exportAccounts: Counter;
  deletionRows: Counter<'outcome'>;
  /** Dashboard team members are not customers: their rows, SCIM requests and deactivations are counted apart. */
  exportTeamMembers: Counter;
  scimRequests: Counter<'method' | 'status'>;
  deprovisionRows: Counter<'action'>;
}

/** The counters of Dashboard team members (SCIM), kept apart from the Customers ones. */
function teamMemberMetrics(registry: Registry): Pick<Metrics, 'exportTeamMembers' | 'scimRequests' | 'deprovisionRows'> {
  return {
    exportTeamMembers: new Counter({
      name: 'stripe_bulk_export_team_members_total',
      help: 'Dashboard team members written to team_members export files',
      registers: [registry],
    }),
    scimRequests: new Counter({
      name: 'stripe_bulk_scim_requests_total',
      help: 'Requests sent to the SCIM endpoint (STRIPE_SCIM_URL), by method and HTTP status (or network)',
      labelNames: ['method', 'status'],
      registers: [registry],
    }),
    deprovisionRows: new Counter({
      name: 'stripe_bulk_deprovision_rows_total',
      help: 'Rows of team member deprovisions, by action (deactivated, already_inactive, not_found, ambiguous, failed, would_deactivate)',
      labelNames: ['action'],
      registers: [registry],
    }),
  };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stripe_bulk_' });
  return {
    registry,
    stripeRequests: new Counter({
      name: 'stripe_bulk_stripe_requests_total',
      help: 'Requests sent to Stripe, by kind (read/write/search), endpoint and HTTP status',
      labelNames: ['kind', 'endpoint', 'status'],
      registers: [registry],
    }),
    stripeRateLimited: new Counter({
      name: 'stripe_bulk_stripe_rate_limited_total',
      help: 'HTTP 429 answers from Stripe',
      labelNames: ['kind'],
      registers: [registry],
    }),
    stripeRequestSeconds: new Histogram({
      name: 'stripe_bulk_stripe_request_seconds',
      help: 'Latency of Stripe requests',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    tokenWaitSeconds: new Counter({
      name: 'stripe_bulk_token_wait_seconds_total',
      help: 'Time spent waiting for a send slot from the shared Redis rate limiter',
      labelNames: ['kind'],
      registers: [registry],
    }),
    learnedBudget: new Gauge({
      name: 'stripe_bulk_rate_learned_budget',
      help: 'Requests per second the shared limiter grants per kind: the configured share, lowered after 429s until it grows back',
      labelNames: ['kind'],
      registers: [registry],
    }),
    rows: new Counter({
      name: 'stripe_bulk_import_rows_total',
      help: 'Imported rows by outcome (created, updated, unchanged, skipped, failed, would_create, would_update)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    activeJobs: new Gauge({
      name: 'stripe_bulk_active_jobs',
      help: 'Jobs running in this process',
      labelNames: ['queue'],
      registers: [registry],
    }),
    ...exportCounters(registry),
    ...deletionCounters(registry),
    ...teamMemberMetrics(registry),
  };
}

/** Deletion rows, counted once a stretch of results is durable. */
function deletionCounters(registry: Registry): Pick<Metrics, 'deletionRows'> {
  return {
    deletionRows: new Counter({
      name: 'stripe_bulk_deletion_rows_total',
      help: 'Deletion rows by outcome (deleted, would_delete, kept, already_deleted, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

/** What export files hold, counted once per completed file. */
function exportCounters(registry: Registry): Pick<Metrics, 'exportBytes' | 'exportCustomers' | 'exportAccounts'> {
  return {
    exportBytes: new Counter({
      name: 'stripe_bulk_export_bytes_total',
      help: 'Bytes written to export files',
      registers: [registry],
    }),
    exportCustomers: new Counter({
      name: 'stripe_bulk_export_customers_total',
      help: 'Customers written to export files',
      registers: [registry],
    }),
    exportAccounts: new Counter({
      name: 'stripe_bulk_export_accounts_total',
      help: 'Connected accounts written to export files (object=accounts)',
      registers: [registry],
    }),
  };
}
