// Loads the Users row a message names: unknown or invalid rows become a PermanentError naming the user and the column.
import { PermanentError } from "../../domain/errors.js";
import type { UserSettings } from "../../domain/users/userSettings.js";
import type { AppDeps } from "../appDeps.js";

export async function loadUser(deps: Pick<AppDeps, "users">, userId: string): Promise<UserSettings> {
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
