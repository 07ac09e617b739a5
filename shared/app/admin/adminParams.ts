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
