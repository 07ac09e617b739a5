// The admin page's sign-in cell (pure): what an admin sees per user in application and delegated mode.
import { describe, expect, it } from "vitest";
import { renderSignIn, signInView, type SignInInput } from "../../../shared/app/adminPage/signInView.js";

const link = (u: string) => `https://app.test/api/auth/signin?user=${u}`;
const never: SignInInput = { status: "pending", lastError: undefined, grantedScopes: [], signedInAt: undefined };
const signedIn: SignInInput = {
  status: "ok",
  lastError: undefined,
  grantedScopes: ["User.Read", "Mail.Send"],
  signedInAt: "2026-12-01T08:00:00.000Z",
};
const revoked: SignInInput = {
  ...signedIn,
  status: "needs_sign_in",
  lastError: "invalid_grant: must sign in again <b>",
};

describe("signInView / renderSignIn", () => {
  it.each([
    ["application mode, never signed in", never, undefined, ["not signed in (application permissions)"], []],
    ["delegated, never signed in", never, link, ["not signed in yet", ">Sign in</a>", link("JS")], ["needs sign-in"]],
    [
      "delegated, signed in",
      signedIn,
      link,
      ["signed in 2026-12-01T08:00:00.000Z", "granted: User.Read Mail.Send", ">Sign in again</a>"],
      ["needs sign-in", "not signed in"],
    ],
    [
      "delegated, needs_sign_in: the reason (escaped) and the link",
      revoked,
      link,
      ["needs sign-in: invalid_grant: must sign in again &lt;b&gt;", ">Sign in again</a>"],
      ["<b>"],
    ],
  ])("%s", (_name, input, linkFor, present, absent) => {
    const html = renderSignIn(signInView(input, linkFor, "JS"), "JS");
    for (const p of present) expect(html).toContain(p);
    for (const a of absent) expect(html).not.toContain(a);
  });

  it("the view carries the state as data", () => {
    expect(signInView(revoked, link, "JS")).toEqual({
      mode: "delegated",
      grantedScopes: ["User.Read", "Mail.Send"],
      signedInAt: "2026-12-01T08:00:00.000Z",
      needsSignIn: "invalid_grant: must sign in again <b>",
      link: link("JS"),
    });
    expect(signInView(revoked, undefined, "JS")).toMatchObject({ mode: "application", link: undefined });
  });
});
