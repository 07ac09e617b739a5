// GET manage/users/{user}/profile over real HTTP: the profile test against the Graph simulator, and its failures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminRig, type AdminRig } from "../app/admin/adminRig.js";

let rig: AdminRig;
beforeAll(async () => {
  rig = await startAdminRig();
}, 30_000);
afterAll(async () => rig?.stop());

const statusOf = async (user: string) => {
  const lookup = await rig.deps.users.getUser(user);
  return lookup?.valid ? { status: lookup.user.status, lastError: lookup.user.lastError } : undefined;
};

describe("GET manage/users/{user}/profile", () => {
  it("returns the mailbox's profile from Graph (GET /users/{mailbox} with the app's token)", async () => {
    const res = await rig.call("GET", "manage/users/JSMITH/profile");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      user: "JSMITH",
      mailbox: "jsmith@contoso.test",
      profile: {
        id: "a1b2c3d4-0001-4000-8000-00000000a001",
        displayName: "JSMITH",
        userPrincipalName: "jsmith@contoso.test",
        mail: expect.any(String) as unknown,
      },
      request: "GET /users/jsmith@contoso.test",
    });
    expect(rig.sim.counters().byEndpoint).toHaveProperty(["GET /users/{id}"]);
  });

  it("a 403 from Graph → 403 with the reason, and the user's status becomes auth_required", async () => {
    rig.sim.injectFault({ method: "GET", path: "^/users/[^/]+$", status: 403, code: "Authorization_RequestDenied" });
    const res = await rig.call("GET", "manage/users/ADOE/profile");
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: "auth_required", user: "ADOE", code: "Authorization_RequestDenied" });
    expect(res.json.reason).toMatch(
      /^profile test \(GET \/users\/adoe@contoso.test\): Graph 403 Authorization_RequestDenied/,
    );
    expect(await statusOf("ADOE")).toMatchObject({ status: "auth_required", lastError: res.json.reason });

    // Fixed (the fault was one-shot): the next profile test passes and clears the auth status.
    const ok = await rig.call("GET", "manage/users/ADOE/profile");
    expect(ok.status).toBe(200);
    expect((await statusOf("ADOE"))?.status).toBe("pending");
  });

  it("a mailbox Graph does not know → 404 with the reason, status mailbox_not_found", async () => {
    const res = await rig.call("GET", "manage/users/GHOST/profile");
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: "mailbox_not_found", user: "GHOST" });
    expect(res.json.reason).toContain("ghost@contoso.test");
    expect((await statusOf("GHOST"))?.status).toBe("mailbox_not_found");
  });

  it("unknown user → 404; invalid row → 409 naming the column; no Graph call for either", async () => {
    const calls = rig.sim.counters().total;
    const unknown = await rig.call("GET", "manage/users/NOBODY/profile");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe("user_not_found");
    const invalid = await rig.call("GET", "manage/users/BROKEN/profile");
    expect(invalid.status).toBe(409);
    expect(invalid.json).toMatchObject({ error: "user_invalid", columns: ["syncAppointments"] });
    expect(rig.sim.counters().total).toBe(calls);
  });
});
