// Per-user sign-in from the admin page in a real Chromium (playwright-core + Debian's /usr/bin/chromium): the page's
// "Sign in" link → auth/signin → the Graph simulator's authorize endpoint → auth/callback, real MSAL, Azurite; then
// the page shows the user's sign-in state and its Profile button reads GET /me with that user's token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { runAdminPage, adminPageRoute } from "../../functions/adminPage.js";
import { runAdminPageAction, adminPageActionRoute } from "../../functions/adminPageActions.js";
import { runAuthCallback, authCallbackRoute } from "../../functions/authCallback.js";
import { runAuthSignIn, authSignInRoute } from "../../functions/authSignIn.js";
import { startAppRig, type AppRig } from "../harness/appRig.js";
import { waitFor } from "../sandbox/waitFor.js";

const ARTIFACTS = join(process.cwd(), "test-results", "browser");
let rig: AppRig;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  rig = await startAppRig({
    env: {
      AUTH_MODE: "delegated",
      SIGNIN_REDIRECT_URI: "http://127.0.0.1:1/api/auth/callback", // replaced below once the host port is known
      TOKEN_CACHE_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      ADMIN_PAGE_ALLOW_ANONYMOUS: "true",
    },
    routes: (deps) => [
      { ...adminPageRoute, methods: [...adminPageRoute.methods], handler: (r, c) => runAdminPage(r, c, deps()) },
      {
        ...adminPageActionRoute,
        methods: [...adminPageActionRoute.methods],
        handler: (r, c) => runAdminPageAction(r, c, deps()),
      },
      { ...authSignInRoute, methods: [...authSignInRoute.methods], handler: (r, c) => runAuthSignIn(r, c, deps()) },
      {
        ...authCallbackRoute,
        methods: [...authCallbackRoute.methods],
        handler: (r, c) => runAuthCallback(r, c, deps()),
      },
    ],
  });
  rig.deps.signIn = { ...rig.deps.signIn!, redirectUri: `${rig.host.baseUrl}/auth/callback` };
  await rig.deps.users.upsertUser({ userId: "JSMITH", mailbox: "jsmith@contoso.test", emails: true });
  await rig.deps.users.upsertUser({ userId: "ADOE", mailbox: "adoe@contoso.test", emails: true });
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chromium-profile-")), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    // The simulator's loopback certificate is self-signed (Node trusts it through NODE_EXTRA_CA_CERTS).
    ignoreHTTPSErrors: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rig?.stop();
});

const adminPage = () => `${rig.host.baseUrl}/manage/page`;
const cell = (user: string, field: string) => page.locator(`tr[data-user="${user}"] [data-field="${field}"]`);
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe("sign-in from the admin page (AUTH_MODE=delegated)", () => {
  it("lists each user's sign-in state with a Sign in link to auth/signin?user=…", async () => {
    await page.goto(adminPage());
    await expect(cell("JSMITH", "signedInAt").textContent()).resolves.toBe("not signed in yet");
    await expect(cell("JSMITH", "signInLink").getAttribute("href")).resolves.toBe(
      `${rig.host.baseUrl}/auth/signin?user=JSMITH`,
    );
    await expect(cell("ADOE", "signInLink").textContent()).resolves.toBe("Sign in");
  });

  it("clicking Sign in goes through the simulator's authorize endpoint and back; the page then shows the granted scopes and the time", async () => {
    rig.sim.setSignIn("jsmith@contoso.test", { grant: ["User.Read", "Mail.Send", "Calendars.ReadWrite"] });
    try {
      await page.goto(adminPage());
      const seen: string[] = [];
      page.on("request", (r) => seen.push(r.url()));
      await cell("JSMITH", "signInLink").click();
      await page.waitForURL(/\/auth\/callback\?/);
      await expect(page.locator("h1").textContent()).resolves.toBe("Signed in");
      await expect(page.locator("p").textContent()).resolves.toBe(
        "JSMITH is signed in as jsmith@contoso.test; granted: Mail.Send Calendars.ReadWrite User.Read offline_access",
      );
      expect(
        seen.some((u) => u.startsWith(`${rig.sim.authorityHost}/${rig.sim.tenantId}/oauth2/v2.0/authorize?`)),
      ).toBe(true);
      await shot("signin-callback");
    } finally {
      rig.sim.setSignIn("jsmith@contoso.test", undefined);
    }

    await page.goto(adminPage());
    await expect(cell("JSMITH", "grantedScopes").textContent()).resolves.toBe(
      "granted: Mail.Send Calendars.ReadWrite User.Read offline_access",
    );
    const row = await rig.deps.users.getUser("JSMITH");
    const signedInAt = row?.valid ? row.user.signedInAt : undefined;
    expect(signedInAt).toBeDefined();
    await expect(cell("JSMITH", "signedInAt").textContent()).resolves.toBe(`signed in ${signedInAt}`);
    await expect(cell("JSMITH", "signInLink").textContent()).resolves.toBe("Sign in again");
    await expect(cell("ADOE", "signedInAt").textContent()).resolves.toBe("not signed in yet");
    await shot("admin-users-signed-in");
  });

  it("the Profile button reads GET /me with the user's own token", async () => {
    await page.goto(`${adminPage()}/users/JSMITH`);
    const calls = rig.sim.counters().byEndpoint["GET /me"] ?? 0;
    await page.getByRole("button", { name: "Profile" }).click();
    await waitFor(async () => (await page.locator("#status").textContent())?.includes("Profile of JSMITH"), "Profile");
    await expect(page.locator("#status").textContent()).resolves.toBe("Profile of JSMITH read from Graph (GET /me)");
    await expect(page.locator("#profile").textContent()).resolves.toContain(
      '"userPrincipalName": "jsmith@contoso.test"',
    );
    expect(rig.sim.counters().byEndpoint["GET /me"]).toBe(calls + 1);
    await shot("admin-user-profile");
  });

  it("a revoked sign-in shows needs sign-in with the reason, and Profile says so; signing in again clears it", async () => {
    rig.sim.setDelegatedTokenLifetime(60); // below MSAL's 5-minute margin: the next call must refresh
    try {
      rig.sim.revokeSignInSessions("jsmith@contoso.test");
      await page.goto(`${adminPage()}/users/JSMITH`);
      await page.getByRole("button", { name: "Profile" }).click();
      await waitFor(async () => (await page.locator("#status").textContent())?.includes("Failed (403)"), "a 403");
      await expect(page.locator("#status").textContent()).resolves.toContain("JSMITH must sign in: invalid_grant");

      await page.goto(adminPage());
      await expect(cell("JSMITH", "needsSignIn").textContent()).resolves.toMatch(/^needs sign-in: invalid_grant: /);
      await expect(page.locator('tr[data-user="JSMITH"]').getAttribute("data-state")).resolves.toBe("attention");
      await shot("admin-users-needs-sign-in");

      await cell("JSMITH", "signInLink").click();
      await page.waitForURL(/\/auth\/callback\?/);
      await expect(page.locator("h1").textContent()).resolves.toBe("Signed in");
      await page.goto(adminPage());
      await expect(cell("JSMITH", "needsSignIn").count()).resolves.toBe(0);
      await expect(cell("JSMITH", "grantedScopes").textContent()).resolves.toContain("Tasks.ReadWrite");
    } finally {
      rig.sim.setDelegatedTokenLifetime(3600);
    }
  });
});
