// deliveryInfosFrom: the host's array metadata of a batch invocation → one DeliveryInfo per message (table-driven).
import { describe, expect, it } from "vitest";
import { deliveryInfosFrom } from "../../shared/app/batchDeliveryInfos.js";

describe("deliveryInfosFrom", () => {
  it("takes element i of each *Array (values, or JSON text as the host may send)", () => {
    const infos = deliveryInfosFrom(
      "q",
      {
        messageIdArray: ["m1", "m2"],
        sessionIdArray: ["U", "U"],
        deliveryCountArray: "[1,3]",
        enqueuedTimeUtcArray: ["2026-12-07T08:00:00Z", "2026-12-07T08:00:01Z"],
        applicationPropertiesArray: [{}, { rescheduleCount: 2, rescheduledFrom: "m0" }],
      },
      2,
    );
    expect(infos.map((d) => [d.messageId, d.sessionId, d.deliveryCount, d.rescheduleCount, d.rescheduledFrom])).toEqual(
      [
        ["m1", "U", 1, 0, undefined],
        ["m2", "U", 3, 2, "m0"],
      ],
    );
    expect(infos[1]?.enqueuedTimeUtc?.toISOString()).toBe("2026-12-07T08:00:01.000Z");
  });

  const cases: [string, Record<string, unknown> | undefined, number, (string | undefined)[]][] = [
    ["single-message metadata with a batch of one", { messageId: "only" }, 1, ["only"]],
    ["no metadata", undefined, 2, [undefined, undefined]],
    ["an array shorter than the batch", { messageIdArray: ["a"] }, 2, ["a", undefined]],
  ];
  it.each(cases)("%s", (_, meta, count, ids) => {
    expect(deliveryInfosFrom("q", meta, count).map((d) => d.messageId)).toEqual(ids);
  });
});
