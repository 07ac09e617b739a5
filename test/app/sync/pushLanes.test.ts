// planLanes / laneKeyOf: which messages of a push batch run side by side and which in order (table-driven, pure).
import { describe, expect, it } from "vitest";
import { laneKeyOf, planLanes, type LaneKey } from "../../../shared/app/sync/pushLanes.js";

describe("planLanes", () => {
  const cases: [string, LaneKey[], number[][][]][] = [
    ["empty batch", [], []],
    ["different keys side by side", ["a", "b", "c"], [[[0], [1], [2]]]],
    ["the same key in delivery order", ["a", "b", "a", "a"], [[[0, 2, 3], [1]]]],
    ["a barrier waits for all before it and runs alone", ["a", null, "a", "b"], [[[0]], [[1]], [[2], [3]]]],
    ["two barriers in a row", [null, null, "a"], [[[0]], [[1]], [[2]]]],
  ];
  it.each(cases)("%s", (_, keys, steps) => {
    expect(planLanes(keys)).toEqual(steps);
  });
});

describe("laneKeyOf", () => {
  const appointment = { kind: "appointment", op: "DELETE", user: "U", kco: "1", hsaRef: "A1" };
  const cases: [string, unknown, LaneKey][] = [
    ["an appointment: kind + ERP key", appointment, "appointment|1|A1"],
    ["a task with the same ERP key is another item", { ...appointment, kind: "task" }, "task|1|A1"],
    [
      "an action type: a barrier",
      { kind: "actionType", op: "DELETE", user: "U", data: { company: "1", code: "X" } },
      null,
    ],
    ["an invalid body: its own lane", { kind: "appointment" }, "#invalid-7"],
  ];
  it.each(cases)("%s", (_, body, key) => {
    expect(laneKeyOf(body, 7)).toBe(key);
  });
});
