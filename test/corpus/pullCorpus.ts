// Malformed msgraph-pull messages (webhook / nightly → pull worker) as data: each with the field its reason must name.
import { edit, MISSING, raw, type CorpusCase } from "./corpusCase.js";
import { CORPUS_USER } from "./pushCorpus.js";

const event = { source: "MSEVENT", subscriptionId: "sub-1", user: CORPUS_USER, changeType: "updated" };
const resync = { source: "RESYNC", user: CORPUS_USER, reason: "nightly" };
const lifecycle = { source: "LIFECYCLE", subscriptionId: "sub-1", user: CORPUS_USER, lifecycleEvent: "missed" };

export const PULL_CORPUS: CorpusCase[] = [
  { name: "bad JSON", body: raw('{"source":"MSEVENT"'), field: "body" },
  { name: "JSON array", body: raw('[{"source":"RESYNC"}]'), field: "body" },
  { name: "XML (application/xml)", body: raw("<resync user='CORPUS'/>", "application/xml"), field: "body" },
  { name: "source missing", body: edit(event, "source", MISSING), field: "source" },
  { name: "source unknown (MSCONTACT)", body: edit(event, "source", "MSCONTACT"), field: "source" },
  { name: "MSEVENT without subscriptionId", body: edit(event, "subscriptionId", MISSING), field: "subscriptionId" },
  { name: "MSEVENT subscriptionId empty", body: edit(event, "subscriptionId", ""), field: "subscriptionId" },
  { name: "MSEVENT changeType unknown (moved)", body: edit(event, "changeType", "moved"), field: "changeType" },
  { name: "MSEVENT resource a number", body: edit(event, "resource", 9), field: "resource" },
  { name: "MSTASK user a number", body: { ...edit(event, "user", 7), source: "MSTASK" }, field: "user" },
  { name: "RESYNC reason unknown (weekly)", body: edit(resync, "reason", "weekly"), field: "reason" },
  { name: "RESYNC user with a space", body: edit(resync, "user", "J SMITH"), field: "user" },
  { name: "RESYNC user a lone surrogate", body: edit(resync, "user", "\uDC00X"), field: "user" },
  { name: "RESYNC user not the SessionId", body: edit(resync, "user", "ADOE"), session: CORPUS_USER, field: "user" },
  {
    name: "LIFECYCLE event unknown (expired)",
    body: edit(lifecycle, "lifecycleEvent", "expired"),
    field: "lifecycleEvent",
  },
  {
    name: "LIFECYCLE without subscriptionId",
    body: edit(lifecycle, "subscriptionId", MISSING),
    field: "subscriptionId",
  },
];
