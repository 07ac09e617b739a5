// Users table against Azurite: the forms Azure Storage Explorer writes, invalid rows get a readable status, valid rows load.
import { beforeAll, describe, expect, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { PermanentError } from "../../../shared/domain/errors.js";
import { parseUserRow, USERS_PARTITION, UsersTable } from "../../../shared/adapters/tables/usersTable.js";
import { azuriteOptions } from "./tableTestOptions.js";

let users: UsersTable;
let explorer: TableClient; // plays Azure Storage Explorer: writes raw, typed cells

beforeAll(async () => {
  users = await UsersTable.open(azuriteOptions("users"));
  explorer = users.client;
});

const base = { mailbox: "jsmith@contoso.com", defaultCompany: "1" };
const explorerWrite = (rowKey: string, cells: Record<string, unknown>) =>
  explorer.upsertEntity({ partitionKey: USERS_PARTITION, rowKey, ...cells }, "Replace");

describe("parseUserRow: switch forms Storage Explorer writes", () => {
  const truthy: [string, unknown][] = [
    ["Edm.Boolean true", true],
    ['String "true"', "true"],
    ['String "True"', "True"],
    ['String "TRUE"', "TRUE"],
    ['String " true "', " true "],
    ['String "1"', "1"],
    ["Int32 1", 1],
    ["Int64 1", { value: "1", type: "Int64" }],
    ["bigint 1", 1n],
  ];
  const falsy: [string, unknown][] = [
    ["Edm.Boolean false", false],
    ['String "false"', "false"],
    ['String "False"', "False"],
    ['String "0"', "0"],
    ["Int32 0", 0],
    ["missing", undefined],
    ['String ""', ""],
  ];
  it.each(truthy)("%s → true", (_, v) => {
    const r = parseUserRow({ partitionKey: "users", rowKey: "A", etag: "e", ...base, syncTasks: v });
    expect(r.valid && r.user.syncTasks).toBe(true);
  });
  it.each(falsy)("%s → false", (_, v) => {
    const r = parseUserRow({ partitionKey: "users", rowKey: "A", etag: "e", ...base, syncTasks: v });
    expect(r.valid).toBe(true);
    expect(r.valid && r.user.syncTasks).toBe(false);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["yes", { syncTasks: "yes" }, 'syncTasks: expected true/false, got "yes"'],
    ["2", { emails: 2 }, "emails: expected true/false, got 2"],
    ["Double 0.5", { syncAppointments: 0.5 }, "syncAppointments: expected true/false, got 0.5"],
    [
      "DateTime",
      { tasksFromOutlook: new Date("2026-01-01T00:00:00Z") },
      "tasksFromOutlook: expected true/false, got 2026-01-01T00:00:00.000Z",
    ],
    ["no mailbox", { mailbox: undefined }, "mailbox: is required but empty"],
    [
      "bad mailbox",
      { mailbox: "jsmith" },
      'mailbox: expected a user principal name or SMTP address (name@domain) or an Entra object id (GUID), got "jsmith"',
    ],
    [
      "inbound switch without company",
      { defaultCompany: "", tasksFromOutlook: "true" },
      "defaultCompany: is required when tasksFromOutlook is true",
    ],
  ];
  it.each(invalid)("%s → invalid, lastError names the column", (_, cells, lastError) => {
    const r = parseUserRow({ partitionKey: "users", rowKey: "A", etag: "e", ...base, ...cells });
    expect(r.valid).toBe(false);
    expect(!r.valid && r.invalid.lastError).toContain(lastError);
  });

  it("accepts a company typed as a number and a GUID mailbox", () => {
    const r = parseUserRow({
      partitionKey: "users",
      rowKey: "A",
      etag: "e",
      mailbox: "0f2e4b7c-1234-4d5e-8f90-abcdefabcdef",
      defaultCompany: 12,
      appointmentsFromOutlook: true,
    });
    expect(r.valid && r.user.defaultCompany).toBe("12");
  });

  it.each([
    ["V 20", "a space"],
    ["J\u017FMITH", "a non-ASCII letter"],
    ["JS\u0130TH", "a dotted capital I"],
  ])("a RowKey %j (%s) → invalid, lastError names RowKey and the rule", (rowKey) => {
    const r = parseUserRow({ partitionKey: "users", rowKey, etag: "e", ...base });
    expect(r.valid).toBe(false);
    expect(!r.valid && r.invalid.lastError).toContain("RowKey: not an ERP user id: expected ASCII letters, digits");
  });

  it("reports several bad columns in one lastError", () => {
    const r = parseUserRow({ partitionKey: "users", rowKey: "jsmith", etag: "e", mailbox: "x", syncTasks: "ja" });
    expect(!r.valid && r.invalid.errors.map((e) => e.column)).toEqual(["RowKey", "mailbox", "syncTasks"]);
  });
});

describe("UsersTable on Azurite", () => {
  it("lists valid rows while marking each invalid row with status invalid and a lastError naming the column", async () => {
    await explorerWrite("GOOD1", { ...base, syncTasks: true, emails: "True" });
    await explorerWrite("GOOD2", { mailbox: "ann@contoso.com", syncAppointments: { value: "1", type: "Int64" } });
    await explorerWrite("BAD1", { ...base, syncTasks: "yes" });
    await explorerWrite("BAD2", { mailbox: "", emails: true });
    await explorerWrite("lower", { ...base });

    const { valid, invalid } = await users.listUsers();
    expect(valid.map((u) => u.userId).sort()).toEqual(["GOOD1", "GOOD2"]);
    expect(valid.find((u) => u.userId === "GOOD1")).toMatchObject({
      syncTasks: true,
      emails: true,
      syncAppointments: false,
    });
    expect(valid.find((u) => u.userId === "GOOD2")).toMatchObject({
      syncAppointments: true,
      defaultCompany: undefined,
    });
    expect(invalid.map((u) => u.userId).sort()).toEqual(["BAD1", "BAD2", "lower"]);

    const bad1 = await explorer.getEntity<Record<string, unknown>>(USERS_PARTITION, "BAD1");
    expect(bad1.status).toBe("invalid");
    expect(bad1.lastError).toBe('syncTasks: expected true/false, got "yes"');
    expect(bad1.syncTasks).toBe("yes"); // the admin's value is left for the admin to fix
    const bad2 = await explorer.getEntity<Record<string, unknown>>(USERS_PARTITION, "BAD2");
    expect(bad2.lastError).toBe("mailbox: is required but empty");
    const lower = await explorer.getEntity<Record<string, unknown>>(USERS_PARTITION, "lower");
    expect(lower.lastError).toContain("RowKey: the ERP user id must be upper-case");
    const good = await explorer.getEntity<Record<string, unknown>>(USERS_PARTITION, "GOOD1");
    expect(good.status).toBeUndefined();
  });

  it("does not rewrite an unchanged invalid row, and moves a fixed row from invalid to pending", async () => {
    await explorerWrite("FIXME", { ...base, emails: "nope" });
    const first = await users.getUser("fixme");
    expect(first).toMatchObject({ valid: false, invalid: { lastError: 'emails: expected true/false, got "nope"' } });
    const etag = (await explorer.getEntity(USERS_PARTITION, "FIXME")).etag;
    await users.getUser("FIXME");
    expect((await explorer.getEntity(USERS_PARTITION, "FIXME")).etag).toBe(etag);

    await explorer.updateEntity({ partitionKey: USERS_PARTITION, rowKey: "FIXME", emails: "false" }, "Merge");
    const fixed = await users.getUser("FIXME");
    expect(fixed).toMatchObject({ valid: true, user: { status: "pending", emails: false } });
    const row = await explorer.getEntity<Record<string, unknown>>(USERS_PARTITION, "FIXME");
    expect(row).toMatchObject({ status: "pending", lastError: "" });
  });

  it("getUser returns undefined for an unknown user", async () => {
    expect(await users.getUser("NOBODY")).toBeUndefined();
  });

  it("recordStatus merges system columns without touching the admin's, and never creates a row", async () => {
    await users.upsertUser({ userId: "jdoe", mailbox: "jdoe@contoso.com", defaultCompany: "2", syncTasks: true });
    await users.recordStatus("JDOE", {
      status: "no_task_list",
      lastError: 'No To Do list named "COINS"',
      lastSyncAt: "2026-11-30T04:00:00.000Z",
      grantedScopes: ["Tasks.ReadWrite", "offline_access"],
    });
    let row = await explorer.getEntity<Record<string, unknown>>(USERS_PARTITION, "JDOE");
    expect(row).toMatchObject({
      mailbox: "jdoe@contoso.com",
      defaultCompany: "2",
      syncTasks: true,
      status: "no_task_list",
      lastError: 'No To Do list named "COINS"',
      grantedScopes: "Tasks.ReadWrite offline_access",
    });
    await users.recordStatus("JDOE", { status: "ok" });
    row = await explorer.getEntity<Record<string, unknown>>(USERS_PARTITION, "JDOE");
    expect(row).toMatchObject({ status: "ok", lastError: "", lastSyncAt: "2026-11-30T04:00:00.000Z" });
    const lookup = await users.getUser("jdoe");
    expect(lookup).toMatchObject({ valid: true, user: { status: "ok", lastError: undefined, syncTasks: true } });

    const missing = await users.recordStatus("GHOST", { status: "ok" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PermanentError);
    expect((missing as PermanentError).code).toBe("user_not_found");
    expect(await users.getUser("GHOST")).toBeUndefined();
  });

  it("recordMailboxTimeZone caches the zone and its note as system columns (never flagged, status untouched)", async () => {
    await users.upsertUser({ userId: "TZUSER", mailbox: "tz@contoso.com", syncAppointments: true });
    await users.recordStatus("TZUSER", { status: "ok" });
    await users.recordMailboxTimeZone("tzuser", { timeZone: "Pacific Standard Time", note: "" });
    expect(await users.getUser("TZUSER")).toMatchObject({
      valid: true,
      user: { status: "ok", mailboxTimeZone: "Pacific Standard Time", mailboxTimeZoneNote: undefined },
    });
    await users.recordMailboxTimeZone("TZUSER", { timeZone: "", note: "mailboxSettings not readable (403)" });
    const row = await explorer.getEntity<Record<string, unknown>>(USERS_PARTITION, "TZUSER");
    expect(row).toMatchObject({
      status: "ok",
      mailboxTimeZone: "",
      mailboxTimeZoneNote: "mailboxSettings not readable (403)",
    });
    expect(await users.getUser("TZUSER")).toMatchObject({
      valid: true,
      user: { mailboxTimeZone: undefined, mailboxTimeZoneNote: "mailboxSettings not readable (403)" },
    });
    const missing = await users.recordMailboxTimeZone("NOONE", { timeZone: "UTC", note: "" }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: "user_not_found" });
  });

  it("upsertUser keeps status columns", async () => {
    await users.upsertUser({ userId: "KEEP", mailbox: "k@contoso.com" });
    await users.recordStatus("KEEP", { status: "auth_required", lastError: "sign in again" });
    await users.upsertUser({ userId: "KEEP", mailbox: "k2@contoso.com", emails: true });
    const lookup = await users.getUser("KEEP");
    expect(lookup).toMatchObject({
      valid: true,
      user: { mailbox: "k2@contoso.com", emails: true, status: "auth_required" },
    });
  });
});

describe("parseUserRow: rows that look valid but are not (issue 9 item 2)", () => {
  const row = (cells: Record<string, unknown>) =>
    parseUserRow({ partitionKey: "users", rowKey: "A", etag: "e", ...base, ...cells });

  it.each([
    ["mailto:jsmith@contoso.test"],
    ["<jsmith@contoso.test>"],
    ["John Smith <jsmith@contoso.test>"],
    ['"John Smith" jsmith@contoso.test'],
    ["jsmith @contoso.test"],
    ["jsmith@contoso .test"],
    ["jsmith@@contoso.test"],
    ["jsmith@contoso.test;adoe@contoso.test"],
    ["jsmith@contoso..test"],
    [".jsmith@contoso.test"],
    ["jsmith@-contoso.test"],
    ["jsmith@contoso"],
    ["jsmith@contoso.test."],
    ["j\u017Fmith@contoso.test"],
    ["0f2e4b7c-1234-4d5e-8f90-abcdefabcdeg"],
    ["{0f2e4b7c-1234-4d5e-8f90-abcdefabcdef}"],
  ])("mailbox %j → invalid, lastError names mailbox", (mailbox) => {
    const r = row({ mailbox });
    expect(r.valid).toBe(false);
    expect(!r.valid && r.invalid.errors.map((e) => e.column)).toEqual(["mailbox"]);
    expect(!r.valid && r.invalid.lastError).toMatch(
      /^mailbox: expected a user principal name or SMTP address \(name@domain\) or an Entra object id \(GUID\), got /,
    );
  });

  it.each([
    ["jsmith@contoso.test"],
    ["J.Smith+erp@mail.contoso.co.uk"],
    ["john_smith@contoso.onmicrosoft.com"],
    ["o'brien@contoso.test"],
    ["ext_jsmith#EXT#@contoso.onmicrosoft.com"],
    ["0f2e4b7c-1234-4d5e-8f90-abcdefabcdef"],
    ["0F2E4B7C-1234-4D5E-8F90-ABCDEFABCDEF"],
  ])("mailbox %j is accepted", (mailbox) => {
    expect(row({ mailbox })).toMatchObject({ valid: true, user: { mailbox } });
  });

  it.each([
    ["syncAppointmnets", "syncAppointments"],
    ["SyncAppointments", "syncAppointments"],
    ["Mailbox2", "mailbox"],
    ["emial", "emails"],
    ["tasksFromOutlok", "tasksFromOutlook"],
  ])("unknown column %j → invalid, naming it and %j", (column, meant) => {
    const r = row({ [column]: true });
    expect(r.valid).toBe(false);
    expect(!r.valid && r.invalid.errors).toEqual([
      { column, message: `unknown column (did you mean ${meant}?); its value is ignored until it is renamed` },
    ]);
  });

  it("an unknown column far from every known one is named without a guess", () => {
    const r = row({ notes: "call first" });
    expect(!r.valid && r.invalid.lastError).toBe(
      "notes: unknown column (known columns: mailbox, defaultCompany, emails, syncAppointments, " +
        "appointmentsFromOutlook, syncTasks, tasksFromOutlook); its value is ignored until it is renamed",
    );
  });

  it("the system's own columns (keys, timestamp, etag, status columns) are not flagged", () => {
    const r = parseUserRow({
      partitionKey: "users",
      rowKey: "A",
      etag: "e",
      timestamp: "2026-11-30T00:00:00Z",
      "odata.etag": "e",
      ...base,
      status: "ok",
      lastError: "",
      lastSyncAt: "2026-11-30T00:00:00Z",
      grantedScopes: "Mail.Send",
      signedInAt: "2026-11-30T00:00:00Z",
    });
    expect(r.valid).toBe(true);
  });
});

describe("UsersTable on Azurite: misplaced and mistyped rows", () => {
  it("a mis-cased column written by Storage Explorer marks the row invalid; rows in other partitions are listed apart", async () => {
    const own = await UsersTable.open(azuriteOptions("usersmis"));
    await own.client.upsertEntity({ partitionKey: USERS_PARTITION, rowKey: "CASED", ...base, SyncAppointments: true });
    await own.client.upsertEntity({ partitionKey: "Users", rowKey: "LOST", ...base, syncAppointments: true });
    await own.client.upsertEntity({ partitionKey: "", rowKey: "EMPTY", ...base });
    const { valid, invalid, misplaced } = await own.listUsers();
    expect(valid).toEqual([]);
    expect(invalid.map((u) => [u.userId, u.lastError])).toEqual([
      [
        "CASED",
        "SyncAppointments: unknown column (did you mean syncAppointments?); its value is ignored until it is renamed",
      ],
    ]);
    expect(misplaced).toEqual([
      { partitionKey: "", rowKey: "EMPTY" },
      { partitionKey: "Users", rowKey: "LOST" },
    ]);
    const row = await own.client.getEntity<Record<string, unknown>>(USERS_PARTITION, "CASED");
    expect(row.status).toBe("invalid");
    // A misplaced row is not written to: it is not the integration's row.
    const lost = await own.client.getEntity<Record<string, unknown>>("Users", "LOST");
    expect(lost.status).toBeUndefined();
  });
});
