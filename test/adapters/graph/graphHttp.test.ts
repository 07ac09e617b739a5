// The real Graph client over HTTPS against the simulator: bearer attached, Retry-After honoured within a bound (not
// for POSTs Graph does not deduplicate), failures mapped, and never more than 4 requests in flight per mailbox.
import { describe, expect, it } from "vitest";
import { KeyedSemaphore } from "../../../shared/adapters/graph/keyedSemaphore.js";
import { parseGraphBaseUrl } from "../../../shared/adapters/graph/graphHttp.js";
import { AuthError, PermanentError, TransientError } from "../../../shared/domain/errors.js";
import { freePort } from "../../harness/freePort.js";
import { waitUntil } from "../../harness/waitUntil.js";
import { endpointCount, gatewayFor, JSMITH, NO_PERMS_APP, tokenProviderFor } from "./simGateway.js";
import { useGraphSim } from "./useGraphSim.js";

const graph = useGraphSim();

const profileCalls = () => endpointCount(graph.sim, /^GET \/users\/\{id\}$/);
/** The adapter's sleep, recorded and returning at once: what it waited is asserted, not how long the test took. */
const sleeper = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};
const caught = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("token and base URL", () => {
  it("the MSAL token is attached by the Graph client and the profile comes back", async () => {
    const profile = await gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4) }).getProfile(JSMITH);
    expect(profile.userPrincipalName).toBe(JSMITH);
    expect(profile.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("without a valid bearer the simulator refuses: 401 → AuthError", async () => {
    const gw = gatewayFor(graph.sim, {
      tokenProvider: { getToken: async () => "not-a-token" },
      limiter: new KeyedSemaphore(4),
    });
    const e = await caught(gw.getProfile(JSMITH));
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe("InvalidAuthenticationToken");
  });

  it("a token failure surfaces as the token provider's own error kind", async () => {
    const gw = gatewayFor(graph.sim, {
      tokenProvider: tokenProviderFor(graph.sim, { clientId: graph.sim.defaultApp.clientId, clientSecret: "wrong" }),
      limiter: new KeyedSemaphore(4),
    });
    const e = await caught(gw.getProfile(JSMITH));
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe("invalid_client");
    expect(graph.sim.counters().total).toBe(0);
  });

  it("the app without Calendars.ReadWrite gets an AuthError on an event write", async () => {
    const gw = gatewayFor(graph.sim, {
      tokenProvider: tokenProviderFor(graph.sim, NO_PERMS_APP),
      limiter: new KeyedSemaphore(4),
    });
    const e = await caught(
      gw.createEvent(JSMITH, {
        subject: "x",
        start: { dateTime: "2026-12-01T10:00:00", timeZone: "UTC" },
        end: { dateTime: "2026-12-01T11:00:00", timeZone: "UTC" },
      }),
    );
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe("ErrorAccessDenied");
  });

  it("an http base URL is refused (the SDK would silently drop the bearer)", () => {
    expect(() => parseGraphBaseUrl("http://127.0.0.1:1/v1.0")).toThrow(/must be https/);
    expect(parseGraphBaseUrl("https://graph.microsoft.com/v1.0")).toMatchObject({
      root: "https://graph.microsoft.com",
      version: "v1.0",
      host: "graph.microsoft.com",
    });
  });

  it("an unreachable Graph is a TransientError (network)", async () => {
    const port = await freePort();
    const gw = gatewayFor(graph.sim, { baseUrl: `https://127.0.0.1:${port}/v1.0`, limiter: new KeyedSemaphore(4) });
    const e = await caught(gw.getProfile(JSMITH));
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe("network");
  });

  it("a slow answer past the per-attempt timeout is a TransientError (timeout)", async () => {
    // The simulator holds the request until the client has given up: slower than the timeout by construction.
    graph.sim.injectFault({ path: /^\/users\/[^/]+$/, status: 200, hold: "slow", times: 1 });
    const gw = gatewayFor(graph.sim, { timeoutMs: 300, limiter: new KeyedSemaphore(4) });
    try {
      const e = await caught(gw.getProfile(JSMITH));
      expect(e).toBeInstanceOf(TransientError);
      expect((e as TransientError).code).toBe("timeout");
    } finally {
      graph.sim.clearFaults(); // releases the held request (and the fault, had the request not arrived)
    }
  });

  it("404 on a read is 'not there', not an error; 400 is a PermanentError", async () => {
    const gw = gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4) });
    expect(await gw.getEvent(JSMITH, "AAMkAGnonexistent=")).toBeUndefined();
    const e = await caught(gw.http.send(JSMITH, { method: "GET", path: "/users/jsmith@contoso.test/nonsense" }));
    expect(e).toBeInstanceOf(PermanentError);
  });
});

describe("Retry-After", () => {
  it("a 429 with a fractional Retry-After is retried after that delay", async () => {
    graph.sim.injectFault({ path: /^\/users\/[^/]+$/, status: 429, retryAfterSeconds: 2.128, times: 1 });
    const { waits, sleep } = sleeper();
    const gw = gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4), sleep });
    const profile = await gw.getProfile(JSMITH);
    expect(profile.userPrincipalName).toBe(JSMITH);
    expect(waits).toEqual([2128]);
    expect(profileCalls()).toBe(2);
  });

  it("a 503 with Retry-After is retried likewise", async () => {
    graph.sim.injectFault({ path: /^\/users\/[^/]+$/, status: 503, retryAfterSeconds: 0.4, times: 1 });
    const { waits, sleep } = sleeper();
    await gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4), sleep }).getProfile(JSMITH);
    expect(waits).toEqual([400]);
    expect(profileCalls()).toBe(2);
  });

  it.each([429, 503])(
    "a %d beyond the wait bound is not slept through: TransientError with retryAfterMs",
    async (status) => {
      graph.sim.injectFault({ path: /^\/users\/[^/]+$/, status, retryAfterSeconds: 45, times: 1 });
      const { waits, sleep } = sleeper();
      const gw = gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4), retry: { maxWaitMs: 30_000 }, sleep });
      const e = await caught(gw.getProfile(JSMITH));
      expect(waits).toEqual([]); // not slept through
      expect(e).toBeInstanceOf(TransientError);
      expect((e as TransientError).retryAfterMs).toBe(45_000);
      expect(profileCalls()).toBe(1);
    },
  );

  it("after maxTries the last 429 surfaces as a TransientError", async () => {
    graph.sim.injectFault({ path: /^\/users\/[^/]+$/, status: 429, retryAfterSeconds: 0.1, times: 10 });
    const gw = gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4), retry: { maxTries: 3 } });
    const e = await caught(gw.getProfile(JSMITH));
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe("TooManyRequests");
    expect((e as TransientError).retryAfterMs).toBe(100);
    expect(profileCalls()).toBe(3);
  });
});

describe("retry per request: a POST Graph does not deduplicate is not re-sent after a 503", () => {
  const sendMailCalls = () => graph.sim.counters().byEndpoint["POST /users/{id}/sendMail"] ?? 0;
  const eventCreates = () => graph.sim.counters().byEndpoint["POST /users/{id}/events"] ?? 0;
  const mail = (subject: string) => ({
    subject,
    body: { contentType: "Text", content: "x" },
    toRecipients: [{ emailAddress: { address: "client@example.test" } }],
  });

  it("a 503 with Retry-After 1 on sendMail: ONE request, no sleep, TransientError with retryAfterMs 1000", async () => {
    graph.sim.injectFault({ method: "POST", path: /\/sendMail$/, status: 503, retryAfterSeconds: 1, times: 1 });
    const { waits, sleep } = sleeper();
    const gw = gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4), sleep });
    const before = graph.sim.sentMail(JSMITH).length;
    const e = await caught(gw.sendMail(JSMITH, mail("once-503")));
    expect(waits).toEqual([]); // no sleep
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe("ServiceUnavailable");
    expect((e as TransientError).retryAfterMs).toBe(1000);
    expect(sendMailCalls()).toBe(1);
    expect(graph.sim.sentMail(JSMITH)).toHaveLength(before);
  });

  it("the same fault on a GET is retried after Retry-After and succeeds (2 requests)", async () => {
    graph.sim.injectFault({ method: "GET", path: /^\/users\/[^/]+$/, status: 503, retryAfterSeconds: 1, times: 1 });
    const { waits, sleep } = sleeper();
    const profile = await gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4), sleep }).getProfile(JSMITH);
    expect(waits).toEqual([1000]);
    expect(profile.userPrincipalName).toBe(JSMITH);
    expect(profileCalls()).toBe(2);
  });

  it("an event create WITH transactionId is still retried (Graph returns the first event to a repeat)", async () => {
    graph.sim.injectFault({ method: "POST", path: /\/events$/, status: 503, retryAfterSeconds: 0.2, times: 1 });
    const tx = "0C3B5E0A-5B7E-4C41-9C1B-3C0C2F6A0001";
    const created = await gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4) }).createEvent(JSMITH, {
      subject: "retried with transactionId",
      start: { dateTime: "2026-12-02T10:00:00", timeZone: "UTC" },
      end: { dateTime: "2026-12-02T11:00:00", timeZone: "UTC" },
      transactionId: tx,
    });
    expect(eventCreates()).toBe(2);
    expect(
      graph.sim
        .events(JSMITH)
        .filter((x) => x.transactionId === tx)
        .map((x) => x.id),
    ).toEqual([created.id]);
  });

  it("a client-wide retry option does not override a request's TRY_ONCE", async () => {
    graph.sim.injectFault({ method: "POST", path: /\/sendMail$/, status: 429, retryAfterSeconds: 0.1, times: 1 });
    const gw = gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4), retry: { maxTries: 5 } });
    const e = await caught(gw.sendMail(JSMITH, mail("once-429")));
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).retryAfterMs).toBe(100);
    expect(sendMailCalls()).toBe(1);
  });
});

describe("at most 4 concurrent requests per mailbox", () => {
  const maxConcurrent = () => Math.max(0, ...Object.values(graph.sim.counters().maxConcurrentByMailbox));

  it("12 parallel calls: the simulator never sees more than 4 at once and throttles none", async () => {
    const gw = gatewayFor(graph.sim, { limiter: new KeyedSemaphore(4) });
    await gw.getProfile(JSMITH); // token cached, so all 12 start together
    graph.sim.resetCounters();
    // Each request is held in the simulator until 4 wait there together, then those 4 are let go: the limiter lets
    // the next ones in only as these leave.
    graph.sim.injectFault({ path: /^\/users\/[^/]+$/, status: 200, hold: "twelve", times: 12 });
    const all = Promise.all(Array.from({ length: 12 }, () => gw.getProfile(JSMITH)));
    for (let released = 0; released < 12;) {
      await graph.sim.waitForHeld("twelve", 4);
      released += graph.sim.releaseHeld("twelve");
    }
    const results = await all;
    expect(results.every((r) => r.userPrincipalName === JSMITH)).toBe(true);
    expect(maxConcurrent()).toBe(4);
    expect(graph.sim.counters().throttled).toBe(0);
    expect(profileCalls()).toBe(12);
  });

  it("control: without the limiter the simulator's 5th concurrent request is throttled", async () => {
    const gw = gatewayFor(graph.sim, { limiter: new KeyedSemaphore(100), retry: { maxTries: 1 } });
    await gw.getProfile(JSMITH);
    graph.sim.resetCounters();
    // The first 4 are held in the mailbox: every later one finds it full.
    graph.sim.injectFault({ path: /^\/users\/[^/]+$/, status: 200, hold: "open", times: 4 });
    const all = Promise.allSettled(Array.from({ length: 12 }, () => gw.getProfile(JSMITH)));
    await graph.sim.waitForHeld("open", 4);
    await waitUntil("the other 8 to be answered", () => graph.sim.counters().throttled === 8);
    graph.sim.releaseHeld("open");
    const settled = await all;
    expect(maxConcurrent()).toBeGreaterThan(4);
    expect(graph.sim.counters().throttled).toBeGreaterThan(0);
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    expect(rejected[0]?.reason).toBeInstanceOf(TransientError);
    expect((rejected[0]?.reason as TransientError).code).toBe("ApplicationThrottled");
  });
});
