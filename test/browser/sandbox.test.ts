// The sandbox in a real Chromium (playwright-core + Debian's /usr/bin/chromium), started through its real entry
// (sandbox/start.ts, what `npm start` runs) as a child process; every wait is on a condition, never a sleep.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableClient } from "@azure/data-tables";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { Endpoints } from "../../sandbox/sandbox.js";
import { readLock, isAlive, type LockContent } from "../../sandbox/sandboxFiles.js";
import { waitFor } from "../sandbox/waitFor.js";

const ARTIFACTS = join(process.cwd(), "test-results", "browser");
let child: ChildProcess;
let output = "";
let dir: string;
let endpoints: Endpoints;
let lock: LockContent;
let browser: BrowserContext;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "sandbox-browser-"));
  child = spawn(process.execPath, ["--import", "tsx", "sandbox/start.ts", "--fresh"], {
    cwd: process.cwd(),
    env: { ...process.env, SANDBOX_DIR: dir, SANDBOX_PORTS: "random" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await waitFor(() => /ready in \d+ ms/.test(output) || child.exitCode !== null, "the sandbox to print ready", 110_000);
  if (!/ready in/.test(output)) throw new Error(`the sandbox did not start:\n${output}`);
  endpoints = JSON.parse(readFileSync(join(dir, "endpoints.json"), "utf8")) as Endpoints;
  lock = readLock(join(dir, "sandbox.lock"))!;
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chromium-profile-")), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
});

const usersTable = () =>
  TableClient.fromConnectionString(endpoints.storage, "Users", { allowInsecureConnection: true });

const statusText = () => page.locator("#status").textContent();

describe("sandbox in Chromium", () => {
  it("writes endpoints.json with exactly the documented keys", () => {
    expect(Object.keys(endpoints).sort()).toEqual(
      [
        "actionTypes",
        "adminPage",
        "api",
        "erpConsole",
        "erpInboundLog",
        "functionKey",
        "graph",
        "outlookView",
        "serviceBus",
        "storage",
        "users",
      ].sort(),
    );
    expect(Object.keys(endpoints.graph).sort()).toEqual([
      "authority",
      "baseUrl",
      "caCertPath",
      "clientId",
      "clientSecret",
      "tenantId",
    ]);
    expect(endpoints.users.map((u) => u.user)).toEqual(["JSMITH", "ADOE", "MBROWN"]);
    expect(Object.keys(lock.children).sort()).toEqual(["azurite", "host"]);
  });

  it("the admin page lists the seeded users with their health; a mistyped row needs attention", async () => {
    await usersTable().upsertEntity(
      { partitionKey: "users", rowKey: "TYPO", mailbox: "typo@contoso.test", emails: "yes" },
      "Replace",
    );
    await page.goto(endpoints.adminPage);
    for (const user of ["JSMITH", "ADOE", "MBROWN"])
      await expect(page.locator(`tr[data-user="${user}"]`).textContent()).resolves.toContain(
        endpoints.users.find((u) => u.user === user)!.mailbox,
      );
    await expect(page.locator('tr[data-user="MBROWN"]').getAttribute("data-state")).resolves.toBe("ok");
    await expect(page.locator('tr[data-user="TYPO"] td').nth(2).textContent()).resolves.toContain(
      "needs attention: invalid row",
    );
    await shot("admin-users");
    await page.getByLabel("Health").selectOption("attention");
    await expect(page.locator('tr[data-user="MBROWN"]').isHidden()).resolves.toBe(true);
  });

  it("Save writes the switches under the row's ETag; a concurrent edit is reported, not overwritten", async () => {
    await page.goto(`${endpoints.adminPage}/users/MBROWN`);
    await page.getByLabel("Synchronise Appointments").check();
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await statusText())?.includes("Saved the switches of MBROWN"), "Save to report");
    expect((await usersTable().getEntity("users", "MBROWN")).syncAppointments).toBe(true);
    await shot("admin-user");

    // Someone else edits the row (Storage Explorer); the page's Save must not overwrite it.
    await usersTable().updateEntity({ partitionKey: "users", rowKey: "MBROWN", emails: false }, "Merge");
    await page.getByLabel("Synchronise Appointments").uncheck();
    await page.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await statusText())?.includes("changed by someone else"), "the conflict to be reported");
    const row = await usersTable().getEntity("users", "MBROWN");
    expect([row.emails, row.syncAppointments]).toEqual([false, true]);
  });

  it("an ERP appointment appears in Outlook; edited in Outlook, the ERP console shows the inbound UPDATE", async () => {
    const status = async () =>
      (await fetch(`${endpoints.api}/manage/users/JSMITH/status?code=${endpoints.functionKey}`)).json() as Promise<{
        subscriptions: { events: { subscriptionId: string } | null };
      }>;
    await waitFor(async () => (await status()).subscriptions.events, "JSMITH's calendar subscription", 60_000);

    await page.goto(endpoints.erpConsole);
    await page.getByLabel("User").selectOption("JSMITH");
    await page.getByLabel("Subject / title").fill("Browser test meeting");
    await page.getByRole("button", { name: "Send to msgraph-push" }).click();
    await waitFor(async () => (await statusText())?.includes("Sent appointment CREATE"), "the push to be sent");
    await shot("erp-console");

    await page.goto(endpoints.outlookView);
    const row = page.locator('#events tr[data-subject="Browser test meeting"]');
    await waitFor(async () => (await row.count()) === 1, "the event in the Outlook view", 60_000);
    await expect(row.textContent()).resolves.toContain("1|A-1001");
    await page.getByRole("button", { name: "Edit Browser test meeting" }).click();
    await page.getByLabel("Subject").fill("Browser test meeting (moved)");
    await page.getByRole("button", { name: "Save event" }).click();
    await waitFor(async () => (await statusText())?.includes("Saved event"), "the Outlook edit");
    await shot("outlook-view");

    await page.goto(endpoints.erpConsole);
    const update = page.locator('#inbound tr[data-op="UPDATE"]', { hasText: "Browser test meeting (moved)" });
    await waitFor(async () => (await update.count()) >= 1, "the inbound UPDATE in the ERP console", 60_000);
    const log = (await (await fetch(endpoints.erpInboundLog)).json()) as {
      op: string;
      hsaRef: string;
      messageId: string;
    }[];
    expect(log.find((m) => m.op === "UPDATE" && m.hsaRef === "A-1001")?.messageId).toBeTruthy();
  });

  it("a paused push worker lets messages wait; resuming processes the backlog", async () => {
    await page.goto(endpoints.erpConsole);
    await page.getByRole("button", { name: "Pause pushWorker" }).click();
    await waitFor(
      async () => (await page.locator('tr[data-worker="pushWorker"]').textContent())?.includes("paused"),
      "paused",
    );
    await page.getByLabel("ERP key (hsa_ref)").fill("A-2002");
    await page.getByRole("button", { name: "Send to msgraph-push" }).click();
    const waiting = () => page.locator('tr[data-worker="pushWorker"] td').nth(3).textContent();
    await waitFor(async () => (await waiting()) === "1", "one message waiting");
    await page.getByRole("button", { name: "Resume pushWorker" }).click();
    await waitFor(async () => (await waiting()) === "0", "the backlog processed", 30_000);
  });

  it("Rejected messages: Check and Replay use the replay use case; once the cause is fixed the copy goes through", async () => {
    // A Users row with a mistyped column: its pushes are set aside naming the column.
    await usersTable().upsertEntity(
      { partitionKey: "users", rowKey: "RPLAY", mailbox: "mbrown@fabrikam.test", emails: "yes" },
      "Replace",
    );
    await page.goto(endpoints.erpConsole);
    await page.getByLabel("Subject / title").fill("Replayed meeting");
    const composed = JSON.parse(await page.locator("#json").inputValue()) as {
      user: string;
      hsaRef: string;
      data: { start: string };
    };
    const send = async (message: object) => {
      await page.locator("#json").fill(JSON.stringify(message));
      await page.getByRole("button", { name: "Send to msgraph-push" }).click();
      await waitFor(async () => (await statusText())?.includes("Sent appointment CREATE"), "the push to be sent");
    };
    await send({ ...composed, user: "RPLAY", kco: "2", hsaRef: "R-1" });
    // A body today's parser rejects (a start without offset): never replayed.
    await send({ ...composed, hsaRef: "R-2", data: { ...composed.data, start: composed.data.start.replace("Z", "") } });

    await page.goto(`${endpoints.adminPage}/rejected`);
    const userRow = page.locator('#rejected tr[data-code="invalid_user"]', { hasText: "RPLAY" });
    const badRow = page.locator('#rejected tr[data-code="invalid-message"]', { hasText: "R-2" });
    await waitFor(
      async () => {
        await page.reload();
        return (await userRow.count()) === 1 && (await badRow.count()) === 1;
      },
      "both Rejected rows",
      60_000,
    );
    await expect(userRow.textContent()).resolves.toContain("emails");
    await shot("admin-rejected");

    await badRow.getByRole("button", { name: /^Replay/ }).click();
    await waitFor(async () => (await statusText())?.includes("Failed (422)"), "the replay to be refused");
    expect(await statusText()).toContain("data.start");
    await page.reload();
    expect(await badRow.count()).toBe(1);

    // The admin fixes the row (as in Storage Explorer); Check says it would go, Replay sends it and removes the row.
    await usersTable().upsertEntity(
      { partitionKey: "users", rowKey: "RPLAY", mailbox: "mbrown@fabrikam.test", emails: true, syncAppointments: true },
      "Replace",
    );
    await userRow.getByRole("button", { name: /^Check/ }).click();
    await waitFor(async () => (await statusText())?.includes("would be accepted"), "Check to report");
    await userRow.getByRole("button", { name: /^Replay/ }).click();
    await waitFor(async () => (await statusText())?.includes("Replayed to msgraph-push"), "Replay to report");
    expect(await userRow.count()).toBe(0);

    await page.goto(endpoints.outlookView);
    await page.getByLabel("Mailbox").selectOption("mbrown@fabrikam.test");
    const event = page.locator('#events tr[data-subject="Replayed meeting"]');
    await waitFor(async () => (await event.count()) === 1, "the replayed appointment in Outlook", 60_000);
    await expect(event.textContent()).resolves.toContain("2|R-1");
  });

  it("SIGINT (Ctrl-C) stops every process it started", async () => {
    const pids = [child.pid!, ...Object.values(lock.children)];
    expect(pids.every(isAlive)).toBe(true);
    child.kill("SIGINT");
    await new Promise((r) => child.once("exit", r));
    await waitFor(() => pids.every((p) => !isAlive(p)), "no process left", 15_000);
    expect(output).toContain("sandbox: stopped");
    expect(readLock(join(dir, "sandbox.lock"))).toBeUndefined();
  });
});
