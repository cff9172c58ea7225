import { runEntryPoint } from './startup/run-entry-point.ts';

// The HTTP API, Bull Board and workers in one process.
await runEntryPoint({ name: 'server', http: true, workers: process.env.RUN_WORKERS !== 'false' });
