// Graph failures map once, table-driven: transient / auth / permanent / resync required, with Retry-After carried.
import { GraphClientError, GraphError } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { AuthError, PermanentError, TransientError } from "../../../shared/domain/errors.js";
import {
  mapGraphError,
  mapGraphHttpFailure,
  ResyncRequiredError,
} from "../../../shared/adapters/graph/mapGraphError.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const body = (code: string, message = "m") => ({ error: { code, message, innerError: { "request-id": "rid-1" } } });

type Kind = typeof TransientError | typeof AuthError | typeof PermanentError | typeof ResyncRequiredError;

describe("mapGraphHttpFailure", () => {
  it.each<[string, number, Record<string, string>, unknown, Kind, string, number | undefined]>([
    [
      "429 fractional Retry-After",
      429,
      { "Retry-After": "2.128" },
      body("TooManyRequests"),
      TransientError,
      "TooManyRequests",
      2128,
    ],
    ["429 without body", 429, { "retry-after": "3" }, undefined, TransientError, "TooManyRequests", 3000],
    [
      "429 HTTP-date",
      429,
      { "Retry-After": "Thu, 01 Jan 2026 12:00:05 GMT" },
      body("ApplicationThrottled"),
      TransientError,
      "ApplicationThrottled",
      5000,
    ],
    [
      "503 with Retry-After",
      503,
      { "Retry-After": "10" },
      body("ServiceUnavailable"),
      TransientError,
      "ServiceUnavailable",
      10000,
    ],
    ["503 without", 503, {}, undefined, TransientError, "http_503", undefined],
    ["500", 500, {}, body("generalException"), TransientError, "generalException", undefined],
    ["502", 502, {}, undefined, TransientError, "http_502", undefined],
    ["504", 504, {}, body("GatewayTimeout"), TransientError, "GatewayTimeout", undefined],
    ["401", 401, {}, body("InvalidAuthenticationToken"), AuthError, "InvalidAuthenticationToken", undefined],
    ["403 ErrorAccessDenied", 403, {}, body("ErrorAccessDenied"), AuthError, "ErrorAccessDenied", undefined],
    [
      "403 Authorization_RequestDenied",
      403,
      {},
      body("Authorization_RequestDenied"),
      AuthError,
      "Authorization_RequestDenied",
      undefined,
    ],
    ["403 with empty code (batch fixture)", 403, {}, body(""), AuthError, "forbidden", undefined],
    ["400", 400, {}, body("ErrorInvalidRequest"), PermanentError, "ErrorInvalidRequest", undefined],
    ["404", 404, {}, body("ErrorItemNotFound"), PermanentError, "not_found", undefined],
    ["409", 409, {}, body("ErrorIrresolvableConflict"), PermanentError, "conflict", undefined],
    ["412", 412, {}, body("ErrorIrresolvableConflict"), PermanentError, "precondition_failed", undefined],
    ["413", 413, {}, undefined, PermanentError, "payload_too_large", undefined],
    ["405", 405, {}, body("Request_BadRequest"), PermanentError, "Request_BadRequest", undefined],
    ["410 without body", 410, {}, undefined, ResyncRequiredError, "resyncRequired", undefined],
    ["410 syncStateNotFound", 410, {}, body("syncStateNotFound"), ResyncRequiredError, "resyncRequired", undefined],
    ["400 resyncRequired", 400, {}, body("resyncRequired"), ResyncRequiredError, "resyncRequired", undefined],
  ])("%s", (_name, status, headers, errBody, kind, code, retryAfterMs) => {
    const e = mapGraphHttpFailure({ status, headers, body: errBody }, NOW);
    expect(e).toBeInstanceOf(kind);
    expect(e.code).toBe(code);
    if (e instanceof TransientError) expect(e.retryAfterMs).toBe(retryAfterMs);
    if (kind !== ResyncRequiredError) expect(e).not.toBeInstanceOf(ResyncRequiredError);
  });

  it("410 carries the Location header's fresh delta URL", () => {
    const e = mapGraphHttpFailure({
      status: 410,
      headers: new Headers({ Location: "https://g/v1.0/x/delta?$deltatoken=new" }),
    });
    expect(e).toBeInstanceOf(ResyncRequiredError);
    expect((e as ResyncRequiredError).freshDeltaUrl).toBe("https://g/v1.0/x/delta?$deltatoken=new");
  });

  it("the message names status, Graph code and text; the cause keeps the request id", () => {
    const e = mapGraphHttpFailure({ status: 403, body: body("ErrorAccessDenied", "Access is denied.") });
    expect(e.message).toBe("Graph 403 ErrorAccessDenied: Access is denied.");
    expect((e.cause as { requestId?: string }).requestId).toBe("rid-1");
  });

  it("reads a JSON body given as text", () => {
    const e = mapGraphHttpFailure({ status: 400, body: JSON.stringify(body("ErrorInvalidIdMalformed")) });
    expect(e.code).toBe("ErrorInvalidIdMalformed");
  });
});

describe("mapGraphError (thrown values)", () => {
  it.each<[string, unknown, Kind, string]>([
    ["our own error passes through", new AuthError("x", "y"), AuthError, "x"],
    [
      "fetch failed / ECONNREFUSED",
      Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("c"), { code: "ECONNREFUSED" }) }),
      TransientError,
      "network",
    ],
    ["socket reset", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), TransientError, "network"],
    [
      "timeout",
      new DOMException("The operation was aborted due to timeout", "TimeoutError"),
      TransientError,
      "timeout",
    ],
    ["unknown error", new Error("boom"), TransientError, "unexpected"],
    [
      "GraphClientError wrapping an AppError",
      Object.assign(new GraphClientError("t"), { customError: new AuthError("invalid_client", "bad") }),
      AuthError,
      "invalid_client",
    ],
    ["GraphClientError without cause", new GraphClientError("bad option"), PermanentError, "graph_client"],
  ])("%s", (_name, thrown, kind, code) => {
    const e = mapGraphError(thrown);
    expect(e).toBeInstanceOf(kind);
    expect(e.code).toBe(code);
  });

  it("an SDK GraphError is mapped by its status, headers and code", () => {
    const g = new GraphError(429, "Please retry again later.");
    g.code = "TooManyRequests";
    g.headers = new Headers({ "Retry-After": "1.5" });
    const e = mapGraphError(g);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).retryAfterMs).toBe(1500);
    expect(e.code).toBe("TooManyRequests");
  });
});
