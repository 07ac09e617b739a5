// Graph's mailboxSettings per mailbox: GET the whole object or one setting, PATCH the time zone (Windows names).
import { PERMS, requireOwnMailbox, requirePerm, type Scoped } from "./access.js";
import type { SimCore } from "./core.js";
import { GraphError, jsonBody, type SimRequest, type SimResponse } from "./http.js";
import type { Mailbox } from "./store.js";
import { ianaZone } from "./time.js";

const WRITE = { app: ["MailboxSettings.ReadWrite"], delegated: ["MailboxSettings.ReadWrite"] };

/** Sets a mailbox's time zone (the control surface and PATCH); an unknown name is Graph's 400, naming the value. */
export function setMailboxTimeZone(mb: Mailbox, timeZone: unknown): void {
  if (typeof timeZone !== "string" || !ianaZone(timeZone))
    throw new GraphError(
      400,
      "ErrorInvalidTimeZone",
      `timeZone: '${String(timeZone)}' is not a supported time zone (a Windows name such as "Pacific Standard Time", or an IANA one).`,
    );
  mb.settings.timeZone = timeZone;
}

/** The whole mailboxSettings object as Graph documents it (user-get-mailboxsettings.md). */
export function renderSettings(mb: Mailbox): Record<string, unknown> {
  const tz = mb.settings.timeZone;
  return {
    archiveFolder: "",
    timeZone: tz,
    automaticRepliesSetting: {
      status: "disabled",
      externalAudience: "all",
      internalReplyMessage: "",
      externalReplyMessage: "",
      scheduledStartDateTime: { dateTime: "2020-01-01T00:00:00.0000000", timeZone: "UTC" },
      scheduledEndDateTime: { dateTime: "2020-01-02T00:00:00.0000000", timeZone: "UTC" },
    },
    language: { locale: "en-US", displayName: "English (United States)" },
    workingHours: {
      daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"],
      startTime: "08:00:00.0000000",
      endTime: "17:00:00.0000000",
      timeZone: { name: tz },
    },
    userPurpose: { value: "user" },
    dateFormat: "dd/MM/yyyy",
    timeFormat: "HH:mm",
    delegateMeetingMessageDeliveryOptions: "sendToDelegateAndInformationToPrincipal",
  };
}

export function mailboxSettingsRoutes(core: SimCore, req: SimRequest, s: Scoped): SimResponse | undefined {
  const m = /^\/mailboxSettings(?:\/(\w+))?\/?$/i.exec(s.rest);
  if (!m) return undefined;
  const p = req.principal!;
  requireOwnMailbox(p, s.mb);
  const ctx = `${core.graphUrl}/$metadata#users('${s.mb.id}')/mailboxSettings`;
  const all = renderSettings(s.mb);
  if (req.method === "GET") {
    requirePerm(p, PERMS.mailboxSettingsRead);
    if (!m[1]) return { status: 200, body: { "@odata.context": ctx, ...all } };
    const key = Object.keys(all).find((k) => k.toLowerCase() === m[1]!.toLowerCase());
    if (!key) throw new GraphError(400, "BadRequest", `Resource not found for the segment '${m[1]}'.`);
    const v = all[key];
    const body = typeof v === "object" && v !== null ? { ...v } : { value: v };
    return { status: 200, body: { "@odata.context": `${ctx}/${key}`, ...body } };
  }
  if (req.method === "PATCH" && !m[1]) {
    requirePerm(p, WRITE);
    const b = jsonBody(req);
    if ("timeZone" in b) setMailboxTimeZone(s.mb, b.timeZone);
    return { status: 200, body: { "@odata.context": ctx, ...renderSettings(s.mb) } };
  }
  return undefined;
}
