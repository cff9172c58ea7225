import { runEntryPoint } from './startup/run-entry-point.ts';

// Workers only: run as many of these as you like, on as many machines, against one Redis.
await runEntryPoint({ name: 'worker', http: false, workers: true });
