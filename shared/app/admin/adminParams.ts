// Validation of the admin API's route parameters and query strings (zod); a failure names the field.
import * as z from "zod";
import { RESOURCE_KINDS, type ResourceKind } from "../../adapters/tables/subscriptionsTable.js";
import { toErpUserId } from "../../domain/erpUserId.js";

/** The `{user}` route segment: an ERP user id (ASCII letters, digits, _ - .; case-insensitive; stored upper-case). */
export const adminUserId = z.string({ error: "expected an ERP user id" }).transform((v, ctx) => {
  const id = toErpUserId(v);
  if (id.ok) return id.id;
  ctx.addIssue({ code: "custom", message: id.reason });
  return z.NEVER;
});

export const adminUserParams = z.object({ user: adminUserId });

export const subscriptionKindQuery = z.object({
  kind: z
    .enum(RESOURCE_KINDS as [ResourceKind, ...ResourceKind[]], { error: 'expected "events" or "todoTasks"' })
    .optional(),
});

/** GET manage/rejected?queue=Q. */
export const rejectedListQuery = z.object({
  queue: z.string({ error: "expected a queue name" }).min(1).optional(),
});

/** POST manage/rejected/{queue}/{id}/replay[?dryRun=true]: route parameters and query together. */
export const rejectedReplayInput = z.object({
  queue: z.string({ error: "expected a queue name" }).min(1, "expected a queue name"),
  // A Rejected row id: the MessageId escaped as a table key (A-Z a-z 0-9 - _ . !) or sha256-<hex>.
  id: z.string({ error: "expected a rejected message id" }).regex(/^[A-Za-z0-9_.!-]{1,1024}$/, {
    message: "expected a rejected message id as GET manage/rejected lists it (A-Z a-z 0-9 - _ . !)",
  }),
  dryRun: z
    .enum(["true", "false"], { error: 'expected "true" or "false"' })
    .optional()
    .transform((v) => v === "true"),
});

/** The admin page's POST manage/page/users/{user}/{action}. */
export const pageActionParams = adminUserParams.extend({
  action: z.enum(["save", "refresh", "delete", "profile"], {
    error: 'expected "save", "refresh", "delete" or "profile"',
  }),
});

/** The admin page's POST manage/page/rejected/replay body. */
export const pageReplayBody = z.object({
  queue: z.string({ error: "expected the queue name" }).min(1, "expected the queue name"),
  id: z.string({ error: "expected the rejected message's id" }).min(1, "expected the rejected message's id"),
  dryRun: z.boolean({ error: "expected true or false" }).optional(),
});

export type ParseOutcome<T> = { ok: true; data: T } | { ok: false; reason: string };

/** Parses `input`; on failure the reason is "<field>: <message>" for every issue. */
export function parseAdminInput<S extends z.ZodType>(schema: S, input: unknown): ParseOutcome<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const reason = parsed.error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "request"}: ${issue.message}`)
    .join("; ");
  return { ok: false, reason };
}
