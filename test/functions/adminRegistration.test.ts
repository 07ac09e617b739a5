// The admin HTTP functions are registered with function-key auth on routes the Functions host accepts.
import { describe, expect, it, vi } from "vitest";
import type { Registration } from "../harness/captureRegistrations.js";

const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../harness/captureRegistrations.js")).mockFunctionsApp(importOriginal, registrations, ["http"]),
);

await import("../../functions/adminStatus.js");
await import("../../functions/adminRefresh.js");
await import("../../functions/adminDeleteSubscription.js");
await import("../../functions/adminProfile.js");

describe("admin HTTP registrations", () => {
  it("registers the four admin functions, each with authLevel function, its method and route", () => {
    const table = registrations.map(({ name, options }) => ({
      name,
      methods: options.methods,
      authLevel: options.authLevel,
      route: options.route,
    }));
    expect(table).toEqual([
      { name: "manageUserStatus", methods: ["GET"], authLevel: "function", route: "manage/users/{user}/status" },
      { name: "manageUserRefresh", methods: ["POST"], authLevel: "function", route: "manage/users/{user}/refresh" },
      {
        name: "manageUserSubscriptionDelete",
        methods: ["DELETE"],
        authLevel: "function",
        route: "manage/users/{user}/subscription",
      },
      { name: "manageUserProfile", methods: ["GET"], authLevel: "function", route: "manage/users/{user}/profile" },
    ]);
  });

  it("uses no route or function name the Functions host reserves (it refuses anything starting with 'admin')", () => {
    for (const { name, options } of registrations) {
      expect(String(options.route).toLowerCase().startsWith("admin")).toBe(false);
      expect(name.toLowerCase().startsWith("admin")).toBe(false);
    }
  });
});
