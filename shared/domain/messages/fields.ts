// Field schemas shared by the message contracts (ERP user, ERP keys, ISO 8601 date-times with an offset).
import * as z from "zod";
import { ERP_USER_ID_PATTERN, ERP_USER_ID_RULE } from "../erpUserId.js";

const required = (what: string) => (iss: { input: unknown }) => (iss.input === undefined ? "required" : what);

/** ERP user id; also the Service Bus SessionId (max 128 characters there). */
export const erpUser = z
  .string({ error: required("expected a non-empty ERP user id") })
  .min(1, "expected a non-empty ERP user id")
  .max(128, "at most 128 characters (it is the Service Bus SessionId)")
  .regex(ERP_USER_ID_PATTERN, `expected ${ERP_USER_ID_RULE}`)
  .describe("ERP user id (e.g. JSMITH); the Service Bus SessionId of the message");

export const nonEmpty = (description: string) =>
  z
    .string({ error: required("expected a non-empty string") })
    .min(1, "expected a non-empty string")
    .describe(description);

/** ISO 8601 date-time WITH an offset (`Z` or `±hh:mm`); a local time without offset is rejected. */
export const dateTimeWithOffset = z.iso
  .datetime({ offset: true, error: required("expected ISO 8601 date-time with offset") })
  .describe("ISO 8601 date-time with offset, e.g. 2026-03-02T09:30:00+01:00");

/** A calendar date (YYYY-MM-DD) or a date-time with offset. */
const dateOrDateTimeError = required("expected ISO 8601 date (YYYY-MM-DD) or date-time with offset");
export const dateOrDateTime = z
  .union([z.iso.date({ error: dateOrDateTimeError }), z.iso.datetime({ offset: true, error: dateOrDateTimeError })], {
    error: dateOrDateTimeError,
  })
  .describe("ISO 8601 date (YYYY-MM-DD) or date-time with offset");

export const bool = z.boolean({ error: required("expected true or false") });
