// HTTP (function key) POST manage/rejected/{queue}/{id}/replay[?dryRun=true]: re-send a Rejected message, remove its row.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as z from "zod";
import { getAppDeps } from "../shared/app/appDeps.js";
import { failureResponse, toResponse, unexpectedResponse } from "../shared/app/admin/adminOutcome.js";
import { parseAdminInput } from "../shared/app/admin/adminParams.js";
import { replayRejected, type ReplayDeps } from "../shared/app/admin/replayRejected.js";

export const adminReplayRoute = {
  name: "manageRejectedReplay",
  methods: ["POST"],
  route: "manage/rejected/{queue}/{id}/replay",
} as const;

const input = z.object({
  queue: z.string({ error: "expected a queue name" }).min(1, "expected a queue name"),
  // A Rejected row id: the MessageId escaped as a table key (A-Z a-z 0-9 - _ . !) or sha256-<hex>.
  id: z.string({ error: "expected a rejected message id" }).regex(/^[A-Za-z0-9_.!-]{1,1024}$/, {
    message: "expected a rejected message id as GET manage/rejected lists it (A-Z a-z 0-9 - _ . !)",
  }),
  dryRun: z
    .enum(["true", "false"], { error: 'expected "true" or "false"' })
    .optional()
    .transform((v) => v === "true"),
});

/** 200 with what was (or, on a dry run, would be) sent; 404 unknown row; 422 the current parser still rejects it. */
export async function runAdminReplay(
  request: HttpRequest,
  context: InvocationContext,
  deps: ReplayDeps,
): Promise<HttpResponseInit> {
  const params = parseAdminInput(input, { ...request.params, dryRun: request.query.get("dryRun") ?? undefined });
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  const { queue, id, dryRun } = params.data;
  try {
    const outcome = await replayRejected(deps, { queue, id, dryRun });
    if (outcome.ok && outcome.value.sent)
      context.log(`replayed rejected ${queue}/${id} as ${outcome.value.replayMessageId} (${outcome.value.route})`);
    return toResponse(outcome, 200);
  } catch (error) {
    return unexpectedResponse(error, context, `replay of ${queue}/${id}`);
  }
}

export async function adminReplay(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminReplay(request, context, await getAppDeps());
}

app.http(adminReplayRoute.name, {
  methods: [...adminReplayRoute.methods],
  authLevel: "function",
  route: adminReplayRoute.route,
  handler: adminReplay,
});
