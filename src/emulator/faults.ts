/** Fault settings a test can change on a running emulator (`POST /__emulator/faults`), same names as the options. */
export interface FaultSettings {
  /** Share (0..1) of /v1 requests answered 500 api_error before anything is done (nothing committed). */
  errorRate: number;
  /** Share (0..1) of writes answered 500 api_error after the write was committed (and its idempotent result kept). */
  errorAfterWriteRate: number;
  /** Share (0..1) of `POST /v1/customers` whose socket is destroyed, without an answer, after the create committed. */
  resetAfterCreateRate: number;
  /** The next N `POST /v1/customers` are reset after the commit, whatever resetAfterCreateRate says. */
  resetAfterCreateCount: number;
  /** Seed of the fault dice: the same seed draws the same sequence of decisions. Undefined: Math.random. */
  faultSeed: number | undefined;
}

/** Faults injected since the last reset, as `GET /__emulator/stats` reports them. */
export interface FaultCounts {
  errors_before_work: number;
  errors_after_write: number;
  resets_after_create: number;
}

/** mulberry32: tiny, fast, and good enough to pick which requests fail. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const zeroCounts = (): FaultCounts => ({ errors_before_work: 0, errors_after_write: 0, resets_after_create: 0 });

/** Decides, request by request, which faults to inject, and counts them. */
export class FaultInjector {
  private settings: FaultSettings;
  private random: () => number;
  private counts = zeroCounts();

  constructor(private readonly initial: FaultSettings) {
    this.settings = { ...initial };
    this.random = this.makeRandom();
  }

  private makeRandom(): () => number {
    return this.settings.faultSeed === undefined ? Math.random : seededRandom(this.settings.faultSeed);
  }

  /** Rolls the dice only when the rate is above 0, so an unused fault leaves the seeded sequence alone. */
  private roll(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }

  failBeforeWork(): boolean {
    const fail = this.roll(this.settings.errorRate);
    if (fail) this.counts.errors_before_work += 1;
    return fail;
  }

  failAfterWrite(): boolean {
    const fail = this.roll(this.settings.errorAfterWriteRate);
    if (fail) this.counts.errors_after_write += 1;
    return fail;
  }

  resetAfterCreate(): boolean {
    let reset: boolean;
    if (this.settings.resetAfterCreateCount > 0) {
      this.settings.resetAfterCreateCount -= 1;
      reset = true;
    } else reset = this.roll(this.settings.resetAfterCreateRate);
    if (reset) this.counts.resets_after_create += 1;
    return reset;
  }

  /** Changes some settings; a new faultSeed restarts the dice. Values must already be validated. */
  configure(patch: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...patch };
    if ('faultSeed' in patch) this.random = this.makeRandom();
  }

  current(): FaultSettings {
    return { ...this.settings };
  }

  get injected(): FaultCounts {
    return { ...this.counts };
  }

  resetCounts(): void {
    this.counts = zeroCounts();
  }

  /** Back to the settings the emulator started with, dice and counts included. */
  reset(): void {
    this.settings = { ...this.initial };
    this.random = this.makeRandom();
    this.resetCounts();
  }
}
