// Contract of the erp-inbound queue (Outlook → ERP): item changes, resync requests and email send outcomes.
import * as z from "zod";
import { erpUser, nonEmpty } from "./fields.js";
import { appointmentFields, endNotBeforeStart, taskFields } from "./pushMessage.js";

const itemEnvelope = {
  user: erpUser,
  kco: nonEmpty("ERP company (for a new Outlook item: the user's default company)"),
  hsaRef: z
    .string()
    .min(1)
    .nullable()
    .describe(
      "ERP key; null for an item created in Outlook: the ERP answers with a push carrying outlookId, and upserts by " +
        "outlookId (a repeated CREATE for the same outlookId updates the record it created)",
    ),
  outlookId: nonEmpty("Graph id of the event / To Do task"),
  actionType: z
    .string()
    .min(1)
    .nullable()
    .describe("ERP action type code (events: from the first category; tasks: TASK_ACTION_TYPE)"),
};

/** appointment and task changes: CREATE/UPDATE carry data; DELETE may omit it. RESYNC asks the ERP to push all. */
function itemKind<K extends string, D extends z.ZodType>(kind: K, data: D) {
  return z.discriminatedUnion("op", [
    z.object({ kind: z.literal(kind), op: z.enum(["CREATE", "UPDATE"]), ...itemEnvelope, data }),
    z.object({ kind: z.literal(kind), op: z.literal("DELETE"), ...itemEnvelope, data: data.optional() }),
    z.object({
      kind: z.literal(kind),
      op: z.literal("RESYNC").describe("Request: the ERP pushes (UPDATE) all its items of this kind for the user"),
      user: erpUser,
      kco: z.string().min(1).optional(),
      reason: z.string().optional(),
      windowStart: z.iso
        .datetime({ offset: true })
        .optional()
        .describe("Start of the synchronised date window (inclusive): push the items that fall in it"),
      windowEnd: z.iso.datetime({ offset: true }).optional().describe("End of the window (exclusive)"),
    }),
  ]);
}

export const inboundAppointment = itemKind("appointment", appointmentFields.superRefine(endNotBeforeStart));
export const inboundTask = itemKind("task", taskFields);

const emailEnvelope = {
  kind: z.literal("email"),
  user: erpUser,
  kco: z.string().min(1).optional(),
  messageKey: nonEmpty("The messageKey of the msgraph-push SEND this outcome answers"),
};
export const inboundEmailOutcome = z.discriminatedUnion("op", [
  z.object({
    ...emailEnvelope,
    op: z.literal("SENT"),
    outlookId: z.string().min(1).nullable().describe("Graph message id when known (sendMail itself returns none)"),
    data: z.object({ sentAt: z.iso.datetime({ offset: true }) }).optional(),
  }),
  z.object({
    ...emailEnvelope,
    op: z.literal("FAILED"),
    data: z.object({
      code: nonEmpty("Stable error code (e.g. Graph's error code)"),
      reason: nonEmpty("Human-readable reason, naming the field when the message was invalid"),
    }),
  }),
]);

export const inboundMessage = z
  .discriminatedUnion("kind", [inboundAppointment, inboundTask, inboundEmailOutcome])
  .describe("erp-inbound: a message to the ERP (SessionId = user)");

export type InboundMessage = z.infer<typeof inboundMessage>;
