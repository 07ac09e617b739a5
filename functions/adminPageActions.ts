// HTTP POST manage/page/users/{user}/{action} (save | refresh | delete | profile) and manage/page/rejected/replay:
// what the admin page's buttons do, with the same access check as the page and the admin use cases behind them.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps, type AppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The admin use cases, the input schemas and the page's access check load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([
    import("../shared/app/admin/adminOutcome.js"),
    import("../shared/app/admin/adminParams.js"),
    import("../shared/app/admin/deleteSubscriptions.js"),
    import("../shared/app/admin/profileTest.js"),
    import("../shared/app/admin/refreshUser.js"),
    import("../shared/app/admin/replayRejected.js"),
    import("../shared/app/adminPage/pageRequest.js"),
    import("../shared/app/adminPage/saveSwitches.js"),
  ]),
);

export const adminPageActionRoute = {
  name: "adminPageAction",
  methods: ["POST"],
  route: "manage/page/users/{user}/{action}",
} as const;
export const adminPageReplayRoute = {
  name: "adminPageReplay",
  methods: ["POST"],
  route: "manage/page/rejected/replay",
} as const;

async function body(request: HttpRequest): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const ok = (message: string, extra: object = {}) => ({ status: 200, jsonBody: { message, ...extra } });

export async function runAdminPageAction(
  request: HttpRequest,
  context: InvocationContext,
  deps: AppDeps,
): Promise<HttpResponseInit> {
  const [
    { failureResponse, toResponse, unexpectedResponse },
    { pageActionParams, parseAdminInput, subscriptionKindQuery },
    { deleteSubscriptions },
    { profileTest },
    { refreshUser },
    ,
    { pageAccessFor, refusal },
    { saveSwitches },
  ] = await parts();
  const access = pageAccessFor(request, deps.config);
  if (!access.ok) return refusal(access, false);
  const params = parseAdminInput(pageActionParams, request.params);
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  const { user, action } = params.data;
  const input = await body(request);
  if (input === undefined) return failureResponse({ kind: "bad_request", reason: "body: expected JSON" });
  try {
    if (action === "save") {
      const r = await saveSwitches(deps, user, input);
      if ("conflict" in r) return { status: 409, jsonBody: { error: "conflict", reason: r.conflict } };
      if (!r.ok) return failureResponse(r.failure);
      context.info(`admin page: ${access.who} saved the switches of ${user}`);
      return ok(`Saved the switches of ${user}`, { etag: r.value.etag });
    }
    if (action === "refresh") {
      const r = await refreshUser(deps, user, { log: context });
      return r.ok
        ? ok(`Refreshed ${user}: subscribed again, full resync queued`, { result: r.value })
        : toResponse(r, 202);
    }
    if (action === "delete") {
      const kind = parseAdminInput(subscriptionKindQuery, input);
      if (!kind.ok) return failureResponse({ kind: "bad_request", reason: kind.reason });
      const r = await deleteSubscriptions(deps, user, kind.data.kind, { log: context });
      return r.ok
        ? ok(`Deleted the ${kind.data.kind ?? "all"} subscription of ${user}`, { result: r.value })
        : toResponse(r, 200);
    }
    const r = await profileTest(deps, user, { log: context });
    return r.ok
      ? ok(`Profile of ${user} read from Graph (${r.value.request})`, {
          profile: r.value.profile,
          request: r.value.request,
        })
      : toResponse(r, 200);
  } catch (error) {
    return unexpectedResponse(error, context, `admin page ${action} of ${user}`);
  }
}

export async function runAdminPageReplay(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<AppDeps, "config" | "rejected" | "queues">,
): Promise<HttpResponseInit> {
  const [
    { failureResponse, unexpectedResponse },
    { pageReplayBody, parseAdminInput },
    ,
    ,
    ,
    { replayRejected },
    { pageAccessFor, refusal },
  ] = await parts();
  const access = pageAccessFor(request, deps.config);
  if (!access.ok) return refusal(access, false);
  const input = parseAdminInput(pageReplayBody, await body(request));
  if (!input.ok) return failureResponse({ kind: "bad_request", reason: input.reason });
  const { queue, id, dryRun } = input.data;
  try {
    // The same use case as the admin route and `npm run replay`: checked against today's parser, row removed.
    const r = await replayRejected(deps, { queue, id, dryRun: dryRun ?? false });
    if (!r.ok) return failureResponse(r.failure);
    const v = r.value;
    if (v.dryRun) return ok(`Check: ${id} would be accepted (${v.route}, session ${v.sessionId})`, { result: v });
    context.info(`admin page: ${access.who} replayed ${id} to ${queue} as ${v.replayMessageId}`);
    return ok(`Replayed to ${queue} as MessageId ${v.replayMessageId}; the row is removed`, { result: v });
  } catch (error) {
    return unexpectedResponse(error, context, `replay of ${id}`);
  }
}

export async function adminPageAction(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminPageAction(request, context, await getAppDeps());
}

export async function adminPageReplay(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminPageReplay(request, context, await getAppDeps());
}

app.http(adminPageActionRoute.name, {
  methods: [...adminPageActionRoute.methods],
  authLevel: "anonymous",
  route: adminPageActionRoute.route,
  handler: adminPageAction,
});

app.http(adminPageReplayRoute.name, {
  methods: [...adminPageReplayRoute.methods],
  authLevel: "anonymous",
  route: adminPageReplayRoute.route,
  handler: adminPageReplay,
});
