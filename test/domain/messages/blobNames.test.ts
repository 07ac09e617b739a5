// Azure's container and blob naming rules, table-driven.
import { describe, expect, it } from "vitest";
import { blobNameProblem, blobRefProblem, containerNameProblem } from "../../../shared/domain/messages/blobNames.js";

describe("containerNameProblem", () => {
  it.each(["abc", "email-attachments", "a1-b2-c3", "x".repeat(63), "123"])("accepts %j", (name) => {
    expect(containerNameProblem(name)).toBeUndefined();
  });
  it.each([
    ["Bad_Name!", "lowercase"],
    ["ab", "3–63"],
    ["x".repeat(64), "3–63"],
    ["-abc", "start and end"],
    ["abc-", "start and end"],
    ["a--b", "two hyphens"],
    ["Upper", "lowercase"],
    ["caf\u00e9", "lowercase"],
  ])("refuses %j (%s)", (name, word) => {
    expect(containerNameProblem(name)).toContain(word);
  });
});

describe("blobNameProblem", () => {
  it.each(["a.pdf", "orders/2026/big.pdf", "x".repeat(1024), "..hidden", "a..b/c", "r\u00e9sum\u00e9.pdf"])(
    "accepts %j",
    (name) => expect(blobNameProblem(name)).toBeUndefined(),
  );
  it.each([
    ["../../etc/passwd", '".."'],
    ["a/./b", '"."'],
    ["a/..", '".."'],
    ["a\\b", "backslash"],
    ["a\u0000b", "control"],
    ["a\nb", "control"],
    ["", "1–1024"],
    ["x".repeat(1025), "1–1024"],
  ])("refuses %j (%s)", (name, word) => {
    expect(blobNameProblem(name)).toContain(word);
  });
});

it("blobRefProblem names the field", () => {
  expect(blobRefProblem({ container: "Bad_Name!", name: "a" })?.field).toBe("container");
  expect(blobRefProblem({ name: "../x" })?.field).toBe("name");
  expect(blobRefProblem({ container: "ok-box", name: "a/b.pdf" })).toBeUndefined();
});
