// The SENT / FAILED answer to the ERP on erp-inbound: built from the stored state (so a redelivery builds the same
// message, with the same MessageId, and duplicate detection drops it), validated against the inbound contract.
import type { z } from "zod";
import { PermanentError } from "../../domain/errors.js";
import { inboundEmailOutcome } from "../../domain/messages/inboundMessage.js";
import type { PushMessageOf } from "../../domain/messages/pushMessage.js";
import { formatIssues } from "../../domain/messages/parseMessage.js";
import type { SentMailRecord } from "../../adapters/tables/sentMailTable.js";

export type EmailOutcome = z.infer<typeof inboundEmailOutcome>;

/** Reasons are for people; keep them readable and inside a Service Bus message. */
const MAX_REASON = 1000;

export function emailOutcome(message: PushMessageOf<"email">, record: SentMailRecord): EmailOutcome {
  const envelope = {
    kind: "email" as const,
    user: message.user,
    ...(message.kco !== undefined ? { kco: message.kco } : {}),
    messageKey: message.messageKey,
  };
  const candidate =
    record.state === "sent"
      ? {
          ...envelope,
          op: "SENT" as const,
          outlookId: record.graphMessageId ?? null,
          ...(record.sentAt ? { data: { sentAt: record.sentAt } } : {}),
        }
      : {
          ...envelope,
          op: "FAILED" as const,
          data: {
            code: record.code || "failed",
            reason: (record.reason || "the email could not be sent").slice(0, MAX_REASON),
          },
        };
  const parsed = inboundEmailOutcome.safeParse(candidate);
  if (!parsed.success)
    throw new PermanentError(
      "invalid_outcome",
      `email outcome breaks the erp-inbound contract: ${formatIssues(parsed.error.issues)}`,
    );
  return parsed.data;
}
