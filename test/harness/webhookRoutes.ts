// The app's two Graph notification endpoints (graphWebhook and graphLifecycle) as routes for the test HTTP host.
import { runGraphLifecycle } from "../../functions/graphLifecycle.js";
import { runGraphWebhook } from "../../functions/graphWebhook.js";
import type { AppDeps } from "../../shared/app/appDeps.js";
import type { HttpRoute } from "./httpHost.js";

/** POST graph/notifications and graph/notifications/lifecycle, both handled with `deps`. */
export function webhookRoutes(deps: () => Promise<AppDeps> | AppDeps): HttpRoute[] {
  return [
    {
      name: "graphWebhook",
      methods: ["POST"],
      route: "graph/notifications",
      handler: (req, ctx) => runGraphWebhook(req, ctx, deps),
    },
    {
      name: "graphLifecycle",
      methods: ["POST"],
      route: "graph/notifications/lifecycle",
      handler: (req, ctx) => runGraphLifecycle(req, ctx, deps),
    },
  ];
}
