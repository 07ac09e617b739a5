// Reads what the local host honours from host.json: the Service Bus trigger settings (timespans as "hh:mm:ss").
import { readFileSync } from "node:fs";
import * as z from "zod";

export interface ServiceBusHostSettings {
  maxConcurrentSessions: number;
  maxAutoLockRenewalDurationMs: number;
  sessionIdleTimeoutMs: number;
  autoCompleteMessages: boolean;
  /** Most messages in one call of a trigger with cardinality "many" (the host's default 1000). */
  maxMessageBatchSize?: number;
}

/** "hh:mm:ss" or "d.hh:mm:ss" → milliseconds. */
export function timespanMs(text: string, where: string): number {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`host.json ${where}: expected a timespan hh:mm:ss, got "${text}"`);
  const [, d = "0", h = "0", min = "0", s = "0", frac = "0"] = m;
  return (
    (((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000 + Math.round(Number(`0.${frac}`) * 1000)
  );
}

const serviceBus = z
  .object({
    maxConcurrentSessions: z.number().int().positive().default(8),
    maxAutoLockRenewalDuration: z.string().default("00:05:00"),
    sessionIdleTimeout: z.string().optional(),
    autoCompleteMessages: z.boolean().default(true),
    maxMessageBatchSize: z.number().int().positive().default(1000),
  })
  .loose();

const hostJson = z
  .object({
    extensions: z
      .object({ serviceBus: serviceBus.default(serviceBus.parse({})) })
      .loose()
      .optional(),
  })
  .loose();

export function readHostJson(path: string): { serviceBus: ServiceBusHostSettings } {
  const parsed = hostJson.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success)
    throw new Error(`host.json: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const sb = parsed.data.extensions?.serviceBus ?? serviceBus.parse({});
  return {
    serviceBus: {
      maxConcurrentSessions: sb.maxConcurrentSessions,
      maxAutoLockRenewalDurationMs: timespanMs(sb.maxAutoLockRenewalDuration, "maxAutoLockRenewalDuration"),
      // Unset: the SDK's default, the operation timeout (60 s).
      sessionIdleTimeoutMs: sb.sessionIdleTimeout ? timespanMs(sb.sessionIdleTimeout, "sessionIdleTimeout") : 60_000,
      autoCompleteMessages: sb.autoCompleteMessages,
      maxMessageBatchSize: sb.maxMessageBatchSize,
    },
  };
}
