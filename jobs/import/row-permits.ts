/** One in-flight row's permit from the pool; every method is safe to call in any state. */
export interface RowPermit {
  /** Gives the permit back while the row waits (for an email lock). */
  park(): void;
  /** Takes a permit again after park(). */
  unpark(): Promise<void>;
  /** The row is finished: gives the permit back if it holds one. */
  done(): void;
}

/**
 * The in-flight pool of one import: at most `size` rows do Stripe work at once. A row that must wait for an
 * email lock parks, giving its permit back, so a file with the same email many times does not stall the rows that
 * could proceed. Waiters are served first come, first served.
 */
export class RowPermits {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Rows holding a permit now (the rows in flight). */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Resolves with a held permit. */
  async take(): Promise<RowPermit> {
    await this.acquire();
    let held = true;
    return {
      park: () => {
        if (!held) return;
        held = false;
        this.release();
      },
      unpark: async () => {
        if (held) return;
        await this.acquire();
        held = true;
      },
      done: () => {
        if (!held) return;
        held = false;
        this.release();
      },
    };
  }

  private acquire(): Promise<void> {
    if (this.free > 0 && this.waiters.length === 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free += 1;
  }
}
