// Admin route/query validation: good ids are normalised, bad ones get a reason naming the field.
import { describe, expect, it } from "vitest";
import { adminUserParams, parseAdminInput, subscriptionKindQuery } from "../../../shared/app/admin/adminParams.js";

describe("adminUserParams", () => {
  it.each([
    [{ user: "jsmith" }, { ok: true, data: { user: "JSMITH" } }],
    [{ user: " Adoe " }, { ok: true, data: { user: "ADOE" } }],
    [{ user: "" }, { ok: false, reason: "user: expected a non-empty ERP user id" }],
    [{}, { ok: false, reason: "user: expected an ERP user id" }],
    [
      { user: "A/B" },
      { ok: false, reason: 'user: expected ASCII letters, digits, _ - . only (1–128 characters), got "A/B"' },
    ],
    [
      { user: "j\u017Fmith" },
      { ok: false, reason: 'user: expected ASCII letters, digits, _ - . only (1–128 characters), got "j\u017Fmith"' },
    ],
    [{ user: "X".repeat(129) }, { ok: false, reason: "user: at most 128 characters" }],
  ])("%j → %j", (input, expected) => {
    expect(parseAdminInput(adminUserParams, input)).toEqual(expected);
  });
});

describe("subscriptionKindQuery", () => {
  it.each([
    [{}, { ok: true, data: {} }],
    [{ kind: "events" }, { ok: true, data: { kind: "events" } }],
    [{ kind: "todoTasks" }, { ok: true, data: { kind: "todoTasks" } }],
    [{ kind: "Events" }, { ok: false, reason: 'kind: expected "events" or "todoTasks"' }],
  ])("%j → %j", (input, expected) => {
    expect(parseAdminInput(subscriptionKindQuery, input)).toEqual(expected);
  });
});
