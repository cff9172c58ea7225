/**
 * `npm run emulator -- --port 12111 --latency 150 --jitter 50 --search-lag 1000 …`
 * Starts the Stripe-compatible emulator, prints its URL on one line, and closes cleanly on SIGINT/SIGTERM.
 */
import { CommanderError } from 'commander';
import { parseEmulatorArgs } from './emulator/cli-options.ts';
import { startEmulator } from './emulator/index.ts';

async function main(): Promise<void> {
  let options;
  try {
    options = parseEmulatorArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) process.exit(0);
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  process.stdout.write(`Stripe emulator listening on ${emulator.url}\n`);
  let closing = false;
  const shutdown = (): void => {
    if (closing) process.exit(130);
    closing = true;
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
