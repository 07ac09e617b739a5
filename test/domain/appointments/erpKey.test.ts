// The ERP key carried by our events: property id, "kco|hsaRef" values and a stable GUID-shaped transactionId.
import { describe, expect, it } from "vitest";
import {
  appointmentTransactionId,
  ERP_KEY_EXPAND,
  ERP_KEY_PROPERTY_ID,
  formatErpKey,
  parseErpKey,
} from "../../../shared/domain/appointments/erpKey.js";

describe("ERP key property", () => {
  it("uses Graph's 'String {guid} Name name' id form", () => {
    expect(ERP_KEY_PROPERTY_ID).toMatch(
      /^String \{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\} Name CoinsErpKey$/,
    );
    expect(ERP_KEY_EXPAND).toBe(`singleValueExtendedProperties($filter=id eq '${ERP_KEY_PROPERTY_ID}')`);
  });

  it.each([
    ["1", "H0001234", "1|H0001234"],
    ["12", "A|B", "12|A|B"],
  ])("formats %s + %s as %s and reads it back", (kco, hsaRef, value) => {
    expect(formatErpKey(kco, hsaRef)).toBe(value);
    expect(parseErpKey(value)).toEqual({ kco, hsaRef });
  });

  it.each([["|H1"], ["1|"], ["no separator"], [""]])("parseErpKey(%j) is undefined", (value) => {
    expect(parseErpKey(value)).toBeUndefined();
  });

  it.each([
    ["1|2", "H1", /kco/],
    ["", "H1", /kco/],
    ["1", "", /hsaRef/],
  ])("formatErpKey(%j, %j) refuses", (kco, hsaRef, message) => {
    expect(() => formatErpKey(kco, hsaRef)).toThrow(message);
  });
});

describe("appointmentTransactionId", () => {
  const id = appointmentTransactionId("JSMITH", "1", "H0001234");
  it("is the same for the same user + kco + hsaRef, GUID-shaped (36 chars)", () => {
    expect(appointmentTransactionId("JSMITH", "1", "H0001234")).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id.length).toBe(36);
  });

  it.each([
    ["other user", "JDOE", "1", "H0001234"],
    ["other company", "JSMITH", "2", "H0001234"],
    ["other ref", "JSMITH", "1", "H0001235"],
    ["separator shift", "JSMITH1", "", "H0001234"],
  ])("differs for %s", (_name, user, kco, hsaRef) => {
    expect(appointmentTransactionId(user, kco, hsaRef)).not.toBe(id);
  });
});
