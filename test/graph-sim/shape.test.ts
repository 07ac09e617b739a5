// Table-driven tests of the structural JSON comparison used by the conformance test.
import { describe, expect, it } from "vitest";
import { shapeDiff } from "./shape.js";

describe("shapeDiff", () => {
  it.each([
    ["equal shapes, other values", { a: 1, b: ["x"] }, { a: 2, b: ["y", "z"] }, []],
    ["type change", { a: 1 }, { a: "1" }, ["$.a: expected number, got string"]],
    ["missing key", { a: 1, b: 2 }, { a: 1 }, ["$.b: missing"]],
    ["unexpected key", { a: 1 }, { a: 1, c: 3 }, ["$.c: unexpected key"]],
    ["nested array item", { v: [{ id: "x" }] }, { v: [{ id: 1 }] }, ["$.v[].id: expected string, got number"]],
    ["empty actual array", { v: [1] }, { v: [] }, ["$.v: expected a non-empty array"]],
    ["null vs object", { o: null }, { o: {} }, ["$.o: expected null, got object"]],
  ])("%s", (_n, ref, act, diff) => {
    expect(shapeDiff(ref, act)).toEqual(diff);
  });

  it("honours allowExtra and opaque", () => {
    expect(
      shapeDiff(
        { a: {} },
        { a: { x: 1 }, b: 2 },
        { allowExtra: (p, k) => p === "$" && k === "b", opaque: (p) => p === "$.a" },
      ),
    ).toEqual([]);
  });
});
