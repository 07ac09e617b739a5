// Waits for a condition by polling it: how tests synchronise with asynchronous work instead of sleeping. The deadline
// is only a hang guard (generous, so a loaded machine never trips it); the condition itself is what is checked.
export interface WaitOptions {
  /** Hang guard; default 20 s (below vitest's test timeout, so the message names what never happened). */
  timeoutMs?: number;
  /** Poll interval; default 20 ms. */
  intervalMs?: number;
}

/** Resolves with the first truthy value of `condition`; throws "timed out waiting for <what>" after the guard. */
export async function waitUntil<T>(
  what: string,
  condition: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 20_000, intervalMs = 20 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (hang guard ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
