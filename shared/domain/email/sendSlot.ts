// Pure: the earliest moment a mailbox may send another mail without exceeding Exchange's per-minute message limit.

export interface SendRate {
  /** Messages allowed in any window of `windowMs` (Exchange Online: about 30 a minute per mailbox). */
  limit: number;
  windowMs: number;
}

export const EXCHANGE_SEND_RATE: SendRate = { limit: 30, windowMs: 60_000 };

/**
 * `others` are the mailbox's other sends and reservations (epoch ms, past or future). Returns the earliest t ≥ now at
 * which one more send keeps every sliding window (x − windowMs, x] at or below `limit`, future reservations included.
 */
export function nextSendSlot(others: readonly number[], now: number, rate: SendRate = EXCHANGE_SEND_RATE): number {
  const { limit, windowMs } = rate;
  const times = [...others].sort((a, b) => a - b);
  const countAt = (x: number) => times.filter((e) => e > x - windowMs && e <= x).length;
  const fits = (t: number) => {
    if (countAt(t) + 1 > limit) return false;
    return times.every((e) => e <= t || e >= t + windowMs || countAt(e) + 1 <= limit);
  };
  const candidates = [now, ...times.map((e) => e + windowMs).filter((t) => t > now)].sort((a, b) => a - b);
  for (const t of candidates) if (fits(t)) return t;
  // Unreachable: after the last entry's window has passed nothing is in the way.
  return (times.at(-1) ?? now) + windowMs;
}
