// Loads the Users row a message names: unknown or invalid rows become a PermanentError naming the user and the column.
import type { UserSettings } from "../../adapters/tables/usersTable.js";
import { PermanentError } from "../../domain/errors.js";
import type { AppDeps } from "../appDeps.js";

export async function loadAppointmentUser(deps: Pick<AppDeps, "users">, userId: string): Promise<UserSettings> {
  const lookup = await deps.users.getUser(userId);
  if (!lookup) throw new PermanentError("unknown_user", `user: no Users row for "${userId}"`);
  if (!lookup.valid) {
    throw new PermanentError(
      "invalid_user",
      `user: the Users row of "${userId}" is invalid: ${lookup.invalid.lastError}`,
    );
  }
  return lookup.user;
}

/** Whether any appointment direction is on for the user. */
export const anyAppointmentSwitch = (u: UserSettings): boolean => u.syncAppointments || u.appointmentsFromOutlook;
