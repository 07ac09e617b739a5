// Validates a Graph response body with a zod schema; a mismatch is a PermanentError naming the offending field.
import type { z } from "zod";
import { PermanentError } from "../../domain/errors.js";

export function parseGraph<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
  throw new PermanentError("invalid_response", `unexpected Graph ${what}: ${issues}`, { cause: result.error });
}
