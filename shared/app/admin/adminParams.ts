// Validation of the admin API's route parameters and query strings (zod); a failure names the field.
import { z } from "zod";
import { RESOURCE_KINDS, type ResourceKind } from "../../adapters/tables/subscriptionsTable.js";
import { isForbiddenKeyChar } from "../../adapters/tables/keys.js";

/** The `{user}` route segment: an ERP user id (case-insensitive; stored upper-case). */
export const adminUserId = z
  .string({ error: "expected an ERP user id" })
  .trim()
  .min(1, "expected a non-empty ERP user id")
  .max(128, "at most 128 characters")
  .refine((v) => ![...v].some(isForbiddenKeyChar), "must not contain / \\ # ? ' % or control characters")
  .transform((v) => v.toUpperCase());

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
