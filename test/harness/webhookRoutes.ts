// The app's two Graph notification endpoints (graphWebhook and graphLifecycle) as routes for the test HTTP host.
import { runGraphLifecycle } from "../../functions/graphLifecycle.js";
import { runGraphWebhook } from "../../functions/graphWebhook.js";
import type { AppDeps } from "../../shared/app/appDeps.js";
import type { HttpRoute } from "./httpHost.js";

/**
 * The answer deadline tests run with unless they ask for another: a hang guard, so a loaded machine never turns a
 * healthy post into a 503. Tests of the deadline itself set the production one (DEFAULT_DEADLINE_MS).
 */
export const TEST_WEBHOOK_DEADLINE_MS = 20_000;

/** POST graph/notifications and graph/notifications/lifecycle, both handled with `deps` under `deadlineMs()`. */
export function webhookRoutes(
  deps: () => Promise<AppDeps> | AppDeps,
  deadlineMs: () => number = () => TEST_WEBHOOK_DEADLINE_MS,
): HttpRoute[] {
  return [
    {
      name: "graphWebhook",
      methods: ["POST"],
      route: "graph/notifications",
      handler: (req, ctx) => runGraphWebhook(req, ctx, deps, { deadlineMs: deadlineMs() }),
    },
    {
      name: "graphLifecycle",
      methods: ["POST"],
      route: "graph/notifications/lifecycle",
      handler: (req, ctx) => runGraphLifecycle(req, ctx, deps, { deadlineMs: deadlineMs() }),
    },
  ];
}
