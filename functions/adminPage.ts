// HTTP GET manage/page[/users/{user} | /rejected]: the admin page (server-rendered HTML), behind App Service
// Authentication and ADMIN_PAGE_ROLES (see shared/app/adminPage/pageAccess.ts).
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { getAppDeps, type AppDeps } from "../shared/app/appDeps.js";
import { onFirstUse } from "../shared/app/onFirstUse.js";

/** The page's use cases and renderers load with the first request, not at a cold start. */
const parts = onFirstUse(() =>
  Promise.all([
    import("../shared/app/admin/adminParams.js"),
    import("../shared/app/admin/getUserStatus.js"),
    import("../shared/app/adminPage/listUserRows.js"),
    import("../shared/app/adminPage/pageRequest.js"),
    import("../shared/app/adminPage/renderRejectedPage.js"),
    import("../shared/app/adminPage/renderUserPage.js"),
    import("../shared/app/adminPage/renderUsersPage.js"),
    import("../shared/app/auth/signInUrl.js"),
  ]),
);

export const adminPageRoute = { name: "adminPage", methods: ["GET"], route: "manage/page/{*view}" } as const;

export async function runAdminPage(
  request: HttpRequest,
  context: InvocationContext,
  deps: Pick<AppDeps, "config" | "now" | "users" | "subscriptions" | "rejected" | "signIn" | "taskLists">,
): Promise<HttpResponseInit> {
  const [
    { adminUserParams, parseAdminInput },
    { getUserStatus },
    { listUserRows },
    { htmlResponse, pageAccessFor, pageBase, refusal },
    { renderRejectedPage },
    { renderUserPage },
    { renderUsersPage },
    { signInUrlFor },
  ] = await parts();
  const text = (status: number, message: string) =>
    htmlResponse(status, `<!doctype html><p>${message.replace(/[&<>]/g, "")}</p>`);
  const access = pageAccessFor(request, deps.config);
  if (!access.ok) return refusal(access, true);
  const base = pageBase(request.url);
  const signIn = deps.config.authMode === "delegated" ? deps.signIn : undefined;
  const signInLinkFor = signIn ? (user: string) => signInUrlFor(signIn.redirectUri, user) : undefined;
  const view = request.params.view ?? "";
  try {
    if (view === "")
      return htmlResponse(200, renderUsersPage(await listUserRows(deps, signInLinkFor), base, access.who));
    if (view === "rejected") return htmlResponse(200, renderRejectedPage(await deps.rejected.list(), base, access.who));
    const m = /^users\/([^/]+)$/.exec(view);
    if (!m) return text(404, `no admin page ${view}`);
    const params = parseAdminInput(adminUserParams, { user: decodeURIComponent(m[1]!) });
    if (!params.ok) return text(400, params.reason);
    const [status, lookup] = await Promise.all([
      getUserStatus(deps, params.data.user),
      deps.users.getUser(params.data.user),
    ]);
    if (!status.ok) return text(404, status.failure.reason);
    const etag = lookup?.valid ? lookup.user.etag : "";
    return htmlResponse(200, renderUserPage(status.value, etag, base, access.who, signInLinkFor));
  } catch (error) {
    context.error(`admin page ${view}: ${(error as Error).message}`);
    return text(500, "the admin page could not load its data (see the function log)");
  }
}

export async function adminPage(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return runAdminPage(request, context, await getAppDeps());
}

// Anonymous at the Functions level: App Service Authentication in front of the app signs the admin in and the
// handler checks the principal's roles. Not "admin/…": the host reserves that prefix.
app.http(adminPageRoute.name, {
  methods: [...adminPageRoute.methods],
  authLevel: "anonymous",
  route: adminPageRoute.route,
  handler: adminPage,
});
