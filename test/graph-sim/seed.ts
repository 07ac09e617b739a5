// The simulator's seed (tenant, app registrations, mailboxes) and the default seed used when none is given.
import { readFileSync } from "node:fs";
import { ianaZone } from "./time.js";

export interface SimSeed {
  tenantId: string;
  apps: {
    clientId: string;
    clientSecret: string;
    displayName?: string;
    applicationPermissions: string[];
    delegatedPermissions?: string[];
  }[];
  mailboxes: {
    id: string;
    userPrincipalName: string;
    displayName: string;
    mail?: string;
    todoLists?: { displayName: string; wellknownListName?: "none" | "defaultList" | "flaggedEmails" }[];
    categories?: string[];
    /** mailboxSettings.timeZone (Windows name as Graph returns it, e.g. "Pacific Standard Time"); default "UTC" */
    timeZone?: string;
  }[];
}

export function defaultSeed(): SimSeed {
  return {
    tenantId: "00000000-0000-4000-8000-000000000001",
    apps: [
      {
        clientId: "11111111-1111-4111-8111-111111111111",
        clientSecret: "local-sim-secret",
        displayName: "Coins Outlook integration (local)",
        applicationPermissions: [
          "User.Read.All",
          "Mail.Read",
          "Mail.Send",
          "Calendars.ReadWrite",
          "MailboxSettings.Read",
          "Tasks.ReadWrite.All",
        ],
        delegatedPermissions: [
          "User.Read",
          "Mail.Read",
          "Mail.Send",
          "Calendars.ReadWrite",
          "MailboxSettings.Read",
          "Tasks.ReadWrite",
          "offline_access",
          "openid",
          "profile",
          "email",
        ],
      },
      {
        clientId: "22222222-2222-4222-8222-222222222222",
        clientSecret: "no-perms-secret",
        displayName: "Directory reader only",
        applicationPermissions: ["User.Read.All"],
        delegatedPermissions: ["User.Read", "offline_access", "openid", "profile"],
      },
    ],
    mailboxes: [
      {
        id: "a1b2c3d4-0001-4000-8000-00000000a001",
        userPrincipalName: "jsmith@contoso.test",
        displayName: "JSMITH",
        mail: "jsmith@contoso.test",
        todoLists: [
          { displayName: "Tasks", wellknownListName: "defaultList" },
          { displayName: "COINS", wellknownListName: "none" },
        ],
        categories: ["Meeting", "Site visit"],
      },
      {
        id: "a1b2c3d4-0002-4000-8000-00000000a002",
        userPrincipalName: "adoe@contoso.test",
        displayName: "ADOE",
        mail: "adoe@contoso.test",
        todoLists: [{ displayName: "Tasks", wellknownListName: "defaultList" }],
        categories: ["Meeting"],
      },
    ],
  };
}

/** Reads and checks a seed file; errors name the offending field. */
export function loadSeedFile(path: string): SimSeed {
  const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
  return validateSeed(raw);
}

export function validateSeed(raw: unknown): SimSeed {
  const fail = (field: string, why: string): never => {
    throw new Error(`seed: ${field} ${why}`);
  };
  if (typeof raw !== "object" || raw === null) fail("(root)", "must be an object");
  const s = raw as Record<string, unknown>;
  if (typeof s.tenantId !== "string" || !s.tenantId) fail("tenantId", "must be a non-empty string");
  if (!Array.isArray(s.apps) || s.apps.length === 0) fail("apps", "must be a non-empty array");
  (s.apps as unknown[]).forEach((a, i) => {
    const app = a as Record<string, unknown>;
    if (typeof app.clientId !== "string" || !app.clientId) fail(`apps[${i}].clientId`, "must be a non-empty string");
    if (typeof app.clientSecret !== "string" || !app.clientSecret)
      fail(`apps[${i}].clientSecret`, "must be a non-empty string");
    if (!Array.isArray(app.applicationPermissions)) fail(`apps[${i}].applicationPermissions`, "must be an array");
    if (app.delegatedPermissions !== undefined && !Array.isArray(app.delegatedPermissions))
      fail(`apps[${i}].delegatedPermissions`, "must be an array when given");
  });
  if (!Array.isArray(s.mailboxes)) fail("mailboxes", "must be an array");
  (s.mailboxes as unknown[]).forEach((m, i) => {
    const mb = m as Record<string, unknown>;
    for (const k of ["id", "userPrincipalName", "displayName"])
      if (typeof mb[k] !== "string" || !mb[k]) fail(`mailboxes[${i}].${k}`, "must be a non-empty string");
    if (mb.todoLists !== undefined && !Array.isArray(mb.todoLists))
      fail(`mailboxes[${i}].todoLists`, "must be an array");
    if (mb.timeZone !== undefined && (typeof mb.timeZone !== "string" || !ianaZone(mb.timeZone)))
      fail(`mailboxes[${i}].timeZone`, "must be a Windows or IANA time-zone name");
  });
  return raw as SimSeed;
}
