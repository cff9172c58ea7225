import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_OPTIONS, type EmulatorOptions } from './options.ts';

/**
 * Defaults of `npm run emulator`: Stripe's live-mode rate limits and a one-second search lag, so a
 * rehearsal meets the same walls as production (tests start the emulator with their own, faster defaults).
 */
export const CLI_DEFAULTS = { ...libraryDefaults(), port: 12111, searchLagMs: 1000 } as const;

/** The library's defaults (options.ts) without the two that have none, so each default is defined once. */
function libraryDefaults(): Required<Omit<EmulatorOptions, 'keys' | 'faultSeed'>> {
  const { keys: _keys, faultSeed: _faultSeed, ...defaults } = DEFAULT_OPTIONS;
  return defaults;
}

/** Environment variables read when the flag is absent, e.g. EMULATOR_PORT=12111. */
const ENV_NAMES = {
  port: 'EMULATOR_PORT',
  host: 'EMULATOR_HOST',
  latencyMs: 'EMULATOR_LATENCY_MS',
  jitterMs: 'EMULATOR_JITTER_MS',
  readLimit: 'EMULATOR_READ_LIMIT',
  writeLimit: 'EMULATOR_WRITE_LIMIT',
  searchLimit: 'EMULATOR_SEARCH_LIMIT',
  searchLagMs: 'EMULATOR_SEARCH_LAG_MS',
  errorRate: 'EMULATOR_ERROR_RATE',
  errorAfterWriteRate: 'EMULATOR_ERROR_AFTER_WRITE_RATE',
  resetAfterCreateRate: 'EMULATOR_RESET_AFTER_CREATE_RATE',
  resetAfterCreateCount: 'EMULATOR_RESET_AFTER_CREATE_COUNT',
  faultSeed: 'EMULATOR_FAULT_SEED',
  idempotencyTtlMs: 'EMULATOR_IDEMPOTENCY_TTL_MS',
  keys: 'EMULATOR_KEYS',
  scimToken: 'EMULATOR_SCIM_TOKEN',
  scimLimit: 'EMULATOR_SCIM_LIMIT',
} as const satisfies Record<keyof EmulatorOptions, string>;

function number(name: string): (text: string) => number {
  return (text) => {
    const value = text.trim().toLowerCase() === 'infinity' ? Number.POSITIVE_INFINITY : Number(text);
    if (text.trim() === '' || Number.isNaN(value) || value < 0) {
      throw new InvalidArgumentError(`${name} must be a number >= 0 (got '${text}')`);
    }
    return value;
  };
}

const keyList = (text: string): string[] =>
  text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');

/** What commander parses: flag names, which differ from the option names (`--latency` sets latencyMs). */
interface ParsedFlags {
  port: number;
  host: string;
  latency: number;
  jitter: number;
  readLimit: number;
  writeLimit: number;
  searchLimit: number;
  searchLag: number;
  errorRate: number;
  errorAfterWriteRate: number;
  resetAfterCreateRate: number;
  resetAfterCreateCount: number;
  faultSeed?: number;
  idempotencyTtl: number;
  keys?: string[];
  scimToken: string;
  scimLimit: number;
}

type EnvReader = (field: keyof typeof ENV_NAMES) => string | undefined;

/** The flags, each defaulting to its environment variable, then to CLI_DEFAULTS. */
function emulatorProgram(fromEnv: EnvReader): Command {
  const numeric = (field: Exclude<keyof typeof CLI_DEFAULTS, 'host' | 'scimToken'>): number => {
    const raw = fromEnv(field);
    return raw === undefined ? CLI_DEFAULTS[field] : number(ENV_NAMES[field])(raw);
  };
  return new Command('emulator')
    .description('A stateful Stripe-compatible Customers API for rehearsals and tests.')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .option('--port <n>', 'TCP port (0 = any free port)', number('--port'), numeric('port'))
    .option('--host <host>', 'interface to bind', fromEnv('host') ?? CLI_DEFAULTS.host)
    .option('--latency <ms>', 'added latency per /v1 request', number('--latency'), numeric('latencyMs'))
    .option('--jitter <ms>', 'uniform jitter around the latency', number('--jitter'), numeric('jitterMs'))
    .option('--read-limit <n>', 'GETs per key per sliding second (0 = unlimited)', number('--read-limit'), numeric('readLimit'))
    .option('--write-limit <n>', 'POST/DELETEs per key per sliding second (0 = unlimited)', number('--write-limit'), numeric('writeLimit'))
    .option('--search-limit <n>', 'searches per key per sliding second (0 = unlimited)', number('--search-limit'), numeric('searchLimit'))
    .option('--search-lag <ms>', 'delay before a new customer is searchable', number('--search-lag'), numeric('searchLagMs'))
    .option('--error-rate <share>', 'share (0..1) of requests failed with 500 before any work', number('--error-rate'), numeric('errorRate'))
    .option(
      '--error-after-write-rate <share>',
      'share (0..1) of writes failed with 500 after the write was done',
      number('--error-after-write-rate'),
      numeric('errorAfterWriteRate'),
    )
    .option(
      '--reset-after-create-rate <share>',
      'share (0..1) of creates whose connection is dropped unanswered after the customer was saved',
      number('--reset-after-create-rate'),
      numeric('resetAfterCreateRate'),
    )
    .option(
      '--reset-after-create-count <n>',
      'the first n creates have their connection dropped after the customer was saved',
      number('--reset-after-create-count'),
      numeric('resetAfterCreateCount'),
    )
    .option('--fault-seed <n>', 'seed of the injected faults, so a run repeats them', number('--fault-seed'))
    .option('--idempotency-ttl <ms>', 'how long idempotency keys are remembered', number('--idempotency-ttl'), numeric('idempotencyTtlMs'))
    .option('--keys <list>', 'comma-separated API keys to accept (default: any sk_/rk_ test or live key)', keyList)
    .option('--scim-token <token>', 'bearer token of /scim/v2 (team members)', fromEnv('scimToken') ?? CLI_DEFAULTS.scimToken)
    .option('--scim-limit <n>', '/scim/v2 requests per sliding second (0 = unlimited)', number('--scim-limit'), numeric('scimLimit'));
}

/** Parses argv (without node and script) and the environment into emulator options; throws on bad input. */
export function parseEmulatorArgs(argv: readonly string[], env: NodeJS.ProcessEnv): EmulatorOptions {
  const fromEnv: EnvReader = (field) => {
    const v = env[ENV_NAMES[field]];
    return v === undefined || v === '' ? undefined : v;
  };
  const program = emulatorProgram(fromEnv);
  program.parse([...argv], { from: 'user' });
  const o = program.opts<ParsedFlags>();
  const envKeys = fromEnv('keys');
  const keys = o.keys ?? (envKeys === undefined ? undefined : keyList(envKeys));
  const envSeed = fromEnv('faultSeed');
  const faultSeed = o.faultSeed ?? (envSeed === undefined ? undefined : number(ENV_NAMES.faultSeed)(envSeed));
  return {
    port: o.port,
    host: o.host,
    latencyMs: o.latency,
    jitterMs: o.jitter,
    readLimit: o.readLimit,
    writeLimit: o.writeLimit,
    searchLimit: o.searchLimit,
    searchLagMs: o.searchLag,
    errorRate: o.errorRate,
    errorAfterWriteRate: o.errorAfterWriteRate,
    resetAfterCreateRate: o.resetAfterCreateRate,
    resetAfterCreateCount: o.resetAfterCreateCount,
    idempotencyTtlMs: o.idempotencyTtl,
    scimToken: o.scimToken,
    scimLimit: o.scimLimit,
    ...(keys === undefined ? {} : { keys }),
    ...(faultSeed === undefined ? {} : { faultSeed }),
  };
}
