// maskSecret: only the last 4 characters of a long secret are ever shown.
import { describe, expect, it } from "vitest";
import { maskSecret } from "../../../shared/app/admin/maskSecret.js";

describe("maskSecret", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["abc", "••••"],
    ["123456789012345", "••••"], // 15 characters: too short to reveal any of it
    ["1234567890123456", "…••••3456"],
    ["x".repeat(60) + "WXYZ", "…••••WXYZ"],
  ])("%j → %j", (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });

  it("never contains more than 4 characters of the secret", () => {
    const secret = "Zq3-Ab_9".repeat(8);
    const masked = maskSecret(secret)!;
    for (let n = 5; n <= secret.length; n++)
      for (let i = 0; i + n <= secret.length; i++) expect(masked.includes(secret.slice(i, i + n))).toBe(false);
  });
});
