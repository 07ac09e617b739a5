// Reading Graph event JSON (Microsoft's documented payloads unchanged) into OutlookEvent, whole or partial.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDeltaItem, parseGraphEvent } from "../../../shared/domain/appointments/graphEvent.js";
import { PermanentError } from "../../../shared/domain/errors.js";
import { rawEvent, withErpKey } from "./rawEvent.js";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/graph/${name}`, import.meta.url), "utf8")) as {
    value?: unknown[];
  } & Record<string, unknown>;

describe("Microsoft's documented payloads", () => {
  it("reads the create-event response (Pacific Standard Time, HTML body) whole", () => {
    const event = parseGraphEvent(fixture("event-create-response.json"));
    expect(event).toMatchObject({
      id: "AAMkAGI1AAAt9AHjAAA=",
      changeKey: "ZlnW4RIAV06KYYwlrfNZvQAALfZeRQ==",
      subject: "Let's go brunch",
      isAllDay: false,
      isCancelled: false,
      location: "Harry's Bar",
      categories: [],
      erpKey: null,
    });
    expect(event.start.toISOString()).toBe("2017-04-15T18:00:00.000Z");
    expect(event.end.toISOString()).toBe("2017-04-15T19:00:00.000Z");
    expect(event.lastModifiedDateTime?.toISOString()).toBe("2017-04-15T03:00:51.245Z");
    expect(event.body).toEqual({
      contentType: "html",
      content: "<html><head></head><body>Does late morning work for you?</body></html>",
    });
  });

  it.each([
    ["event-delta-page1-nextlink.json", ["AAMkADNVxRAAA=", "AAMkADVxSAAA="]],
    ["event-delta-final-deltalink.json", ["AAMkADj1HuAAA="]],
  ])("treats the abbreviated delta items of %s as partial (categories, isAllDay unknown)", (name, ids) => {
    const items = fixture(name).value!.map((raw) => parseDeltaItem(raw));
    expect(items.map((i) => i.id)).toEqual(ids);
    for (const item of items) {
      expect(item.kind).toBe("event");
      if (item.kind !== "event") continue;
      expect(item.event).toBeUndefined();
      expect(item.missing).toEqual(expect.arrayContaining(["isAllDay", "categories"]));
      expect(item.partial.start).toBeInstanceOf(Date);
    }
  });
});

describe("parseDeltaItem", () => {
  it.each([
    [{ "@odata.type": "#microsoft.graph.event", id: "X", "@removed": { reason: "deleted" } }, "deleted"],
    [{ id: "X", "@removed": { reason: "changed" } }, "changed"],
    [{ id: "X", "@removed": {} }, "deleted"],
  ])("@removed %j → removed (%s)", (raw, reason) => {
    expect(parseDeltaItem(raw)).toEqual({ kind: "removed", id: "X", reason });
  });

  it.each([
    [
      "only the subject changed",
      { id: "EV1", subject: "New" },
      ["start", "end", "isAllDay", "categories", "body", "location"],
    ],
    ["no body", rawEvent({ body: undefined }), ["body"]],
    ["whole", rawEvent(), []],
  ])("%s → missing %j", (_name, raw, missing) => {
    const item = parseDeltaItem(raw);
    expect(item.kind === "event" && item.missing).toEqual(missing);
    expect(item.kind === "event" && item.event !== undefined).toBe(missing.length === 0);
  });

  it.each([
    ["without expansion: unknown", rawEvent(), undefined, false],
    ["without expansion, read whole: not ours", rawEvent(), null, true],
    ["expanded, ours", withErpKey("1|H0001234"), "1|H0001234", false],
    ["expanded, empty array", rawEvent({ singleValueExtendedProperties: [] }), null, false],
    [
      "id in other case/spacing",
      rawEvent({
        singleValueExtendedProperties: [
          { id: "string  {AF138A1B-B83B-4916-B8C6-5616C03AD2FB} name CoinsErpKey", value: "2|X" },
        ],
      }),
      "2|X",
      false,
    ],
    [
      "someone else's property",
      rawEvent({
        singleValueExtendedProperties: [{ id: "String {00000000-0000-0000-0000-000000000000} Name X", value: "1|H" }],
      }),
      null,
      false,
    ],
  ])("erpKey %s", (_name, raw, expected, fillDefaults) => {
    const item = parseDeltaItem(raw, fillDefaults);
    expect(item.kind === "event" && item.event?.erpKey).toBe(expected);
  });

  it("reads an all-day event's dates as written, whatever the zone", () => {
    const event = parseGraphEvent(
      rawEvent({
        isAllDay: true,
        start: { dateTime: "2026-12-01T00:00:00.0000000", timeZone: "Tokyo Standard Time" },
        end: { dateTime: "2026-12-01T00:00:00.0000000", timeZone: "Tokyo Standard Time" },
      }),
    );
    expect([event.start.toISOString(), event.end.toISOString()]).toEqual([
      "2026-12-01T00:00:00.000Z",
      "2026-12-02T00:00:00.000Z",
    ]);
  });

  it("fills defaults for a whole read (no categories, no location, null subject)", () => {
    const event = parseGraphEvent({ ...rawEvent({ subject: null }), categories: undefined, location: undefined });
    expect(event).toMatchObject({ subject: "", categories: [], location: "" });
  });

  it.each([
    ["not an object", "x", /expected a JSON object/],
    ["no id", { subject: "x" }, /id: expected a string/],
    ["bad categories", rawEvent({ categories: "Meeting" }), /event EV1: categories/],
    ["bad start", rawEvent({ start: "2026-12-01" }), /event EV1: start: expected \{dateTime, timeZone\}/],
    [
      "unknown zone",
      rawEvent({ start: { dateTime: "2026-12-01T08:00:00", timeZone: "Nowhere Time" } }),
      /event EV1: start\.timeZone: unknown time zone "Nowhere Time"/,
    ],
    ["bad isAllDay", rawEvent({ isAllDay: "no" }), /event EV1: isAllDay/],
  ])("%s → PermanentError naming event and field", (_name, raw, message) => {
    expect(() => parseDeltaItem(raw)).toThrow(PermanentError);
    expect(() => parseDeltaItem(raw)).toThrow(message);
  });

  it("parseGraphEvent refuses a @removed entry and an event without times", () => {
    expect(() => parseGraphEvent({ id: "X", "@removed": { reason: "deleted" } })).toThrow(/@removed/);
    expect(() => parseGraphEvent({ id: "X", subject: "s" })).toThrow(/event X: start, end/);
  });
});

describe("series fields", () => {
  it.each([
    [{ type: "singleInstance", seriesMasterId: null }, { type: "singleInstance" }],
    [
      { type: "occurrence", seriesMasterId: "MASTER1", originalStart: "2030-05-06T08:00:00Z" },
      { type: "occurrence", seriesMasterId: "MASTER1", originalStart: new Date("2030-05-06T08:00:00Z") },
    ],
    [
      { type: "exception", seriesMasterId: "MASTER1", originalStart: "2030-05-13T08:00:00.0000000Z" },
      { type: "exception", seriesMasterId: "MASTER1", originalStart: new Date("2030-05-13T08:00:00Z") },
    ],
    [{ type: "seriesMaster" }, { type: "seriesMaster" }],
    [{ type: "somethingNew" }, {}],
    [{}, {}],
  ])("%j → %j", (fields, expected) => {
    const event = parseGraphEvent(rawEvent(fields));
    expect({ type: event.type, seriesMasterId: event.seriesMasterId, originalStart: event.originalStart }).toEqual({
      type: undefined,
      seriesMasterId: undefined,
      originalStart: undefined,
      ...expected,
    });
  });

  it.each([
    [{ seriesMasterId: 7 }, "event EV1: seriesMasterId: expected a string"],
    [{ originalStart: "monday" }, 'event EV1: originalStart.dateTime: "monday" is not an ISO 8601 date-time'],
  ])("refuses %j naming the field", (fields, message) => {
    expect(() => parseGraphEvent(rawEvent(fields))).toThrow(message);
  });
});
