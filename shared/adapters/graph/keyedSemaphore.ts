// A counting semaphore per key (here: per mailbox), so at most N Graph requests for one mailbox are in flight at once.

interface Slot {
  active: number;
  waiters: Array<() => void>;
}

export class KeyedSemaphore {
  private readonly slots = new Map<string, Slot>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  /** Waits for a permit for `key`; the returned function releases it (calling it twice is harmless). */
  async acquire(key: string): Promise<() => void> {
    const k = key.toLowerCase();
    let slot = this.slots.get(k);
    if (!slot) {
      slot = { active: 0, waiters: [] };
      this.slots.set(k, slot);
    }
    if (slot.active < this.limit) {
      slot.active++;
    } else {
      const s = slot;
      // The releasing holder hands its permit over directly (active stays the same), so no one can jump the queue.
      await new Promise<void>((resolve) => s.waiters.push(resolve));
    }
    let released = false;
    const held = slot;
    return () => {
      if (released) return;
      released = true;
      const next = held.waiters.shift();
      if (next) {
        next();
        return;
      }
      held.active--;
      if (held.active === 0) this.slots.delete(k);
    };
  }

  /** Runs `fn` holding a permit for `key`. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Requests currently holding a permit for `key` (for tests and metrics). */
  inFlight(key: string): number {
    return this.slots.get(key.toLowerCase())?.active ?? 0;
  }

  /** Requests waiting for a permit for `key`. */
  waiting(key: string): number {
    return this.slots.get(key.toLowerCase())?.waiters.length ?? 0;
  }
}

/** Graph's documented Outlook limit: 4 concurrent requests per app per mailbox. */
export const MAX_CONCURRENT_PER_MAILBOX = 4;

/** One limiter per process by default, shared by every Graph client created here. */
export const defaultMailboxLimiter = new KeyedSemaphore(MAX_CONCURRENT_PER_MAILBOX);
