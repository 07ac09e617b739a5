// The ERP user-id rule: ASCII-only upper-casing, and everything outside the set refused with a reason.
import { describe, expect, it } from "vitest";
import { asciiUpperCase, toErpUserId } from "../../shared/domain/erpUserId.js";

describe("toErpUserId", () => {
  it.each([
    ["jsmith", "JSMITH"],
    [" Adoe ", "ADOE"],
    ["j.smith", "J.SMITH"],
    ["v-20_a", "V-20_A"],
    ["X".repeat(128), "X".repeat(128)],
  ])("%j → %j", (raw, id) => {
    expect(toErpUserId(raw)).toEqual({ ok: true, id });
  });

  it.each([
    ["j\u017Fmith", "ASCII"], // ſ would upper-case to S
    ["jsm\u0131th", "ASCII"], // ı would upper-case to I
    ["\uD800", "ASCII"],
    ["V 20", "ASCII"],
    ["A/B", "ASCII"],
    ["a'b", "ASCII"],
    ["", "non-empty"],
    ["X".repeat(129), "128"],
  ])("%j is refused (%s)", (raw, word) => {
    const r = toErpUserId(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(word);
  });

  it("upper-cases ASCII only", () => {
    expect(asciiUpperCase("aſıé-z")).toBe("Aſıé-Z");
  });
});
