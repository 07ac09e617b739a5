// The Rejected list and replay functions are registered with function-key auth on routes the Functions host accepts.
import { describe, expect, it, vi } from "vitest";
import type { Registration } from "../harness/captureRegistrations.js";

const registrations = vi.hoisted(() => [] as Registration[]);
vi.mock("@azure/functions", async (importOriginal) =>
  (await import("../harness/captureRegistrations.js")).mockFunctionsApp(importOriginal, registrations, ["http"]),
);

await import("../../functions/adminRejected.js");
await import("../../functions/adminReplay.js");

describe("Rejected admin registrations", () => {
  it("registers the list and the replay, each with authLevel function", () => {
    expect(
      registrations.map(({ name, options }) => ({
        name,
        methods: options.methods,
        authLevel: options.authLevel,
        route: options.route,
      })),
    ).toEqual([
      { name: "manageRejectedList", methods: ["GET"], authLevel: "function", route: "manage/rejected" },
      {
        name: "manageRejectedReplay",
        methods: ["POST"],
        authLevel: "function",
        route: "manage/rejected/{queue}/{id}/replay",
      },
    ]);
  });
});
