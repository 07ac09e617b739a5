// The admin routes over real HTTP with user ids outside the ERP user-id set: 400 naming `user`, no other row touched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { runAdminStatus } from "../../functions/adminStatus.js";
import { startAdminRig, type AdminRig } from "../app/admin/adminRig.js";

let rig: AdminRig;
beforeAll(async () => {
  rig = await startAdminRig();
}, 30_000);
afterAll(async () => rig?.stop());

const ODD_IDS = [
  ["j%C5%BFmith", "jſmith (U+017F upper-cases to S)"],
  ["jsm%C4%B1th", "jsmıth (U+0131 upper-cases to I)"],
  ["%ED%A0%80", "a lone surrogate as (invalid) UTF-8"],
  ["V%2020", "a space"],
  ["J%C3%A9R%C3%B4ME", "non-ASCII letters"],
];
const ROUTES: [string, (id: string) => string][] = [
  ["GET", (id) => `manage/users/${id}/status`],
  ["POST", (id) => `manage/users/${id}/refresh`],
  ["DELETE", (id) => `manage/users/${id}/subscription`],
  ["GET", (id) => `manage/users/${id}/profile`],
];

describe("admin routes refuse user ids outside the ERP user-id set", () => {
  for (const [method, path] of ROUTES) {
    it.each(ODD_IDS)(`${method} ${path("{user}")} with %s (%s) → 400 naming user`, async (id) => {
      const before = await rig.deps.users.getUser("JSMITH");
      const res = await rig.call(method, path(id));
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: "bad_request" });
      expect(String(res.json.reason)).toMatch(/^user: /);
      // JSMITH's row is untouched (no status written, no subscription created or removed).
      const after = await rig.deps.users.getUser("JSMITH");
      expect(after).toEqual(before);
    });
  }

  it("a lone surrogate that reaches the handler as such is 400 naming user, not 503 temporary", async () => {
    const request = new HttpRequest({
      method: "GET",
      url: "http://127.0.0.1/api/manage/users/x/status",
      params: { user: "\uD800" },
    });
    const res = await runAdminStatus(request, new InvocationContext({ functionName: "t" }), rig.deps);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.jsonBody)).toContain('"reason":"user: ');
  });
});
