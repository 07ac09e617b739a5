// didYouMean: the known column a mistyped or mis-cased one most likely means; nothing for a name far from all.
import { describe, expect, it } from "vitest";
import { didYouMean, editDistance } from "../../shared/domain/didYouMean.js";

const KNOWN = ["mailbox", "defaultCompany", "emails", "syncAppointments", "appointmentsFromOutlook", "syncTasks"];

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["tset", "test", 1],
    ["syncAppointmnets", "syncAppointments", 1],
  ])("%j ↔ %j = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("didYouMean", () => {
  it.each([
    ["SyncAppointments", "syncAppointments"],
    ["SYNCTASKS", "syncTasks"],
    ["syncAppointmnets", "syncAppointments"],
    ["syncAppointment", "syncAppointments"],
    ["mailBox", "mailbox"],
    ["mailbx", "mailbox"],
    ["email", "emails"],
    ["defaultcompny", "defaultCompany"],
    ["appointmentFromOutlook", "appointmentsFromOutlook"],
  ])("%j → %j", (name, expected) => {
    expect(didYouMean(name, KNOWN)).toBe(expected);
  });

  it.each(["colour", "x", "notes", "syncEverything"])("%j → nothing close", (name) => {
    expect(didYouMean(name, KNOWN)).toBeUndefined();
  });
});
