// Admin page use case: Save the five switches of a Users row under the ETag the page was rendered with; a
// concurrent edit (412) is reported, never overwritten. The body is validated with zod, errors name the field.
import * as z from "zod";
import type { AppDeps } from "../appDeps.js";
import { SWITCH_COLUMNS, USERS_PARTITION } from "../../adapters/tables/usersTable.js";
import { failed, succeeded, type AdminOutcome } from "../admin/adminOutcome.js";
import { parseAdminInput } from "../admin/adminParams.js";

const flag = z.boolean({ error: "expected true or false" });
export const saveSwitchesBody = z.object({
  etag: z
    .string({ error: "expected the row's ETag (reload the page)" })
    .min(1, "expected the row's ETag (reload the page)"),
  switches: z.object({
    emails: flag,
    syncAppointments: flag,
    appointmentsFromOutlook: flag,
    syncTasks: flag,
    tasksFromOutlook: flag,
  }),
});

export type SaveSwitchesResult = { user: string; etag: string; switches: z.infer<typeof saveSwitchesBody>["switches"] };

export async function saveSwitches(
  deps: Pick<AppDeps, "users">,
  user: string,
  body: unknown,
): Promise<AdminOutcome<SaveSwitchesResult> | { ok: false; conflict: string }> {
  const parsed = parseAdminInput(saveSwitchesBody, body);
  if (!parsed.ok) return failed({ kind: "bad_request", reason: parsed.reason });
  const lookup = await deps.users.getUser(user);
  if (!lookup) return failed({ kind: "user_not_found", user, reason: `no row for ${user} in the Users table` });
  const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: USERS_PARTITION,
    rowKey: user,
  };
  for (const k of SWITCH_COLUMNS) entity[k] = parsed.data.switches[k];
  try {
    const r = await deps.users.client.updateEntity(entity, "Merge", { etag: parsed.data.etag });
    return succeeded({ user, etag: r.etag ?? "", switches: parsed.data.switches });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 412)
      return {
        ok: false,
        conflict: `${user} was changed by someone else since this page was loaded: nothing saved; reload to see the current values`,
      };
    throw error;
  }
}
