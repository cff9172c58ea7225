#!/usr/bin/env tsx
// tsx is a dependency, so npm/npx put it on PATH for this bin: no build step is needed.
import { runCli } from '../src/cli/main.ts';

const controller = new AbortController();
// The first Ctrl-C stops waiting (the job goes on on the server); a second one exits at once.
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
