// An InvocationContext as the Functions host hands one to a Service Bus trigger (messageId, sessionId, delivery
// count in the trigger metadata), for driving the real worker entries from the bench. Loaded with require: plain Node
// gets no named ESM exports from the CommonJS @azure/functions bundle (see frontDoor.ts).
import { createRequire } from "node:module";
import type { InvocationContext } from "@azure/functions";

const functions = createRequire(import.meta.url)("@azure/functions") as typeof import("@azure/functions");

/** Errors go to stderr; everything else the handler logs is dropped (the bench prints figures, not logs). */
export function queueInvocation(functionName: string, messageId: string, sessionId: string): InvocationContext {
  return new functions.InvocationContext({
    functionName,
    invocationId: crypto.randomUUID(),
    triggerMetadata: { messageId, sessionId, deliveryCount: 1, enqueuedTimeUtc: new Date().toISOString() },
    logHandler: (level, ...args) => {
      if (level === "error" || level === "critical") console.error(`${functionName}:`, ...args);
    },
  });
}
