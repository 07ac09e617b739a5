// Time source of the Service Bus stand-in: the system clock by default, or a TestClock a test advances by hand so
// that scheduled-message visibility, lock and session-lock expiry and duplicate detection never depend on how fast
// the machine runs.

/** A handle returned by Clock.setTimer. */
export interface ClockTimer {
  cancel(): void;
}

/** What the broker asks of time: the current instant and one-shot timers on that same timeline. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): ClockTimer;
}

/** Wall-clock time and Node timers (unref'd: a pending lock expiry never keeps a process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

interface Pending {
  at: number;
  order: number;
  fn: () => void;
}

/**
 * A clock that stands still until advanced. Timers fire inside advance(), in due order, each seeing now() at its own
 * due time; a timer set for a time already reached fires on the next macrotask (like setTimeout(fn, 0)).
 */
export class TestClock implements Clock {
  private current: number;
  private readonly pending = new Set<Pending>();
  private order = 0;

  constructor(start: number | Date = Date.now()) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): ClockTimer {
    const p: Pending = { at: this.current + Math.max(0, ms), order: this.order++, fn };
    this.pending.add(p);
    if (p.at <= this.current) setImmediate(() => this.fire(p));
    return { cancel: () => void this.pending.delete(p) };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`TestClock.advance: expected a non-negative number of ms, got ${ms}`);
    const target = this.current + ms;
    for (;;) {
      const next = [...this.pending].filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      this.fire(next);
    }
    this.current = target;
  }

  /** Timers not yet fired. */
  pendingCount(): number {
    return this.pending.size;
  }

  private fire(p: Pending): void {
    if (!this.pending.delete(p)) return;
    p.fn();
  }
}
