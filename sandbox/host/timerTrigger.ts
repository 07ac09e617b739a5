// Runs a timer trigger on its NCRONTAB schedule (in UTC), and on demand ("run now", as the host's admin API does).
import { randomUUID } from "node:crypto";
import type * as functions from "@azure/functions";
import type { LogLevel, Timer } from "@azure/functions";
import { functionsModule } from "./functionsModule.js";
import type { RetryMetadata } from "./coreApi.js";
import { nextOccurrence, parseNcrontab } from "./ncrontab.js";

export interface TimerTriggerOptions {
  functionName: string;
  /** Already resolved from %SETTING%. */
  schedule: string;
  handler: (timer: Timer, context: functions.InvocationContext) => unknown;
  retry: RetryMetadata | undefined;
  log: (level: LogLevel, text: string) => void;
  now?: () => Date;
}

export interface TimerTrigger {
  next(): Date;
  /** Runs the function now (with the binding's retry policy); resolves when it (and its retries) finished. */
  runNow(): Promise<void>;
  stop(): void;
}

const ms = (v: unknown): number => {
  if (typeof v === "number") return v;
  // toRpcDuration's { seconds, nanos }
  if (v && typeof v === "object" && "seconds" in v) return Number((v as { seconds: number }).seconds) * 1000;
  return 0;
};

export function startTimerTrigger(o: TimerTriggerOptions): TimerTrigger {
  const schedule = parseNcrontab(o.schedule);
  const now = o.now ?? (() => new Date());
  let last: Date | undefined;
  let next = nextOccurrence(schedule, now());
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function invoke(isPastDue: boolean): Promise<void> {
    const max = o.retry?.maxRetryCount ?? 0;
    for (let attempt = 0; ; attempt++) {
      const context = new functionsModule.InvocationContext({
        invocationId: randomUUID(),
        functionName: o.functionName,
        retryContext: { retryCount: attempt, maxRetryCount: max },
        logHandler: (level, ...args) => o.log(level, args.map(String).join(" ")),
      });
      const info: Timer = {
        isPastDue,
        schedule: { adjustForDST: false },
        scheduleStatus: {
          last: (last ?? now()).toISOString(),
          next: next.toISOString(),
          lastUpdated: now().toISOString(),
        },
      };
      try {
        await o.handler(info, context);
        return;
      } catch (error) {
        o.log("error", `${o.functionName}: ${(error as Error).message} (attempt ${attempt + 1} of ${max + 1})`);
        if (attempt >= max || stopped) return;
        const fixed = ms(o.retry?.delayInterval);
        const wait =
          o.retry?.retryStrategy === "exponentialBackoff"
            ? Math.min(ms(o.retry.minimumInterval) * 2 ** attempt, ms(o.retry.maximumInterval))
            : fixed;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  const arm = () => {
    if (stopped) return;
    // setTimeout holds at most ~24.8 days; re-arm in steps.
    const delay = Math.min(Math.max(0, next.getTime() - now().getTime()), 2 ** 31 - 1);
    timer = setTimeout(() => {
      if (now() < next) return arm();
      last = next;
      next = nextOccurrence(schedule, now());
      void invoke(false).finally(arm);
    }, delay);
    timer.unref();
  };
  arm();

  return {
    next: () => next,
    runNow: () => invoke(false),
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
