// Key escaping for Table Storage: reversible, and the output never contains a character Table keys forbid.
import { describe, expect, it } from "vitest";
import { decodeKeyPart, encodeKeyPart, normalizeUserId } from "../../../shared/adapters/tables/keys.js";

describe("encodeKeyPart", () => {
  it.each([
    ["H0001234", "H0001234"],
    ["a/b", "a!2Fb"],
    ["a\\b", "a!5Cb"],
    ["#?", "!23!3F"],
    ["it's 100%", "it!27s!20100!25"],
    ["bang!", "bang!21"],
    ["tab\tnl\n", "tab!09nl!0A"],
    ["AAMkAGI2+x/y==", "AAMkAGI2!2Bx!2Fy!3D!3D"],
    ["ü", "!C3!BC"],
  ])("%j → %s and back", (raw, encoded) => {
    expect(encodeKeyPart(raw)).toBe(encoded);
    expect(decodeKeyPart(encoded)).toBe(raw);
    expect(encoded).toMatch(/^[A-Za-z0-9._!-]*$/);
  });
});

describe("normalizeUserId", () => {
  it.each([
    ["jsmith", "JSMITH"],
    [" Ann ", "ANN"],
  ])("%j → %s", (raw, id) => expect(normalizeUserId(raw)).toBe(id));
  it.each(["", "a/b", "a#b", "x?y", "q'r", "j\u017Fmith", "jsm\u0131th", "V 20", "\uD800"])("refuses %j", (raw) => {
    expect(() => normalizeUserId(raw)).toThrow(/^user: /);
  });
});
