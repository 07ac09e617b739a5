// HTTP (function key) GET manage/rejected?queue=Q: the messages set aside in the Rejected table, newest first.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as z from "zod";
import { getAppDeps } from "../shared/app/appDeps.js";
import { failureResponse, toResponse, unexpectedResponse } from "../shared/app/admin/adminOutcome.js";
import { parseAdminInput } from "../shared/app/admin/adminParams.js";
import { listRejected } from "../shared/app/admin/listRejected.js";
import type { ReplayDeps } from "../shared/app/admin/replayRejected.js";

export const adminRejectedRoute = { name: "manageRejectedList", methods: ["GET"], route: "manage/rejected" } as const;

const query = z.object({ queue: z.string({ error: "expected a queue name" }).min(1).optional() });

export async function runAdminRejected(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<ReplayDeps, "config" | "rejected">,
): Promise<HttpResponseInit> {
  const params = parseAdminInput(query, { queue: request.query.get("queue") ?? undefined });
  if (!params.ok) return failureResponse({ kind: "bad_request", reason: params.reason });
  try {
    return toResponse(await listRejected(deps, params.data.queue), 200);
  } catch (error) {
    return unexpectedResponse(error, context, "listing rejected messages");
  }
}

export async function adminRejected(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminRejected(request, context, await getAppDeps());
}

app.http(adminRejectedRoute.name, {
  methods: [...adminRejectedRoute.methods],
  authLevel: "function",
  route: adminRejectedRoute.route,
  handler: adminRejected,
});
