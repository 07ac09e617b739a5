// Test helper: the event Graph gives back for a body we POSTed, parsed as the domain reads it.
import type { GraphEventBody } from "../../../shared/domain/appointments/eventBody.js";
import { parseGraphEvent } from "../../../shared/domain/appointments/graphEvent.js";
import type { OutlookEvent } from "../../../shared/domain/appointments/types.js";

/** Graph's answer: text body wrapped in HTML, 7-digit UTC times, extra properties, our property echoed. */
export function asGraphStoresIt(body: GraphEventBody, id = "NEW1", changeKey = "CKNEW"): OutlookEvent {
  const escaped = body.body.content.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return parseGraphEvent({
    ...body,
    id,
    changeKey,
    body: {
      contentType: "html",
      content:
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>.x{}</style></head>' +
        `<body><div class="PlainText">${escaped.replace(/\r?\n/g, "<br>\r\n")}</div></body></html>`,
    },
    bodyPreview: body.body.content.slice(0, 255),
    location: { displayName: body.location.displayName, locationType: "default" },
    categories: body.categories ?? [],
    isCancelled: false,
  });
}
