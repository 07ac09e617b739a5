// Test helper: a user's stored settings with every switch off (mailbox `<userid>@contoso.test`, company 1), with
// overrides.
import type { UserSettings } from "../../shared/adapters/tables/usersTable.js";

export function sampleUserSettings(userId: string, overrides: Partial<UserSettings> = {}): UserSettings {
  return {
    userId,
    mailbox: `${userId.toLowerCase()}@contoso.test`,
    defaultCompany: "1",
    emails: false,
    syncAppointments: false,
    appointmentsFromOutlook: false,
    syncTasks: false,
    tasksFromOutlook: false,
    status: undefined,
    lastError: undefined,
    lastSyncAt: undefined,
    grantedScopes: undefined,
    etag: "*",
    ...overrides,
  };
}
