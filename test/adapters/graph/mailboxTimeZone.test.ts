// GraphGateway.readMailboxTimeZone against the simulator: the zone as Graph names it, a 403 as `denied`, others thrown.
import { describe, expect, it } from "vitest";
import { GraphGateway } from "../../../shared/adapters/graph/graphGateway.js";
import { AppError } from "../../../shared/domain/errors.js";
import { ADOE, JSMITH, NO_PERMS_APP, tokenProviderFor } from "./simGateway.js";
import { useGraphSim } from "./useGraphSim.js";

const g = useGraphSim();

describe("readMailboxTimeZone", () => {
  it("returns the mailbox's zone as the user set it (Windows name), per mailbox", async () => {
    g.sim.setMailboxTimeZone(JSMITH, "Pacific Standard Time");
    g.sim.setMailboxTimeZone(ADOE, "GMT Standard Time");
    expect(await g.gw.readMailboxTimeZone(JSMITH)).toEqual({ timeZone: "Pacific Standard Time" });
    expect(await g.gw.readMailboxTimeZone(ADOE)).toEqual({ timeZone: "GMT Standard Time" });
    g.sim.setMailboxTimeZone(JSMITH, "Europe/Amsterdam");
    expect(await g.gw.readMailboxTimeZone(JSMITH)).toEqual({ timeZone: "Europe/Amsterdam" });
  });

  it("an app without MailboxSettings.Read gets `denied` with Graph's message, not an exception", async () => {
    const noPerms = new GraphGateway({ baseUrl: g.sim.graphUrl, tokenProvider: tokenProviderFor(g.sim, NO_PERMS_APP) });
    expect(await noPerms.readMailboxTimeZone(JSMITH)).toEqual({
      denied: expect.stringMatching(/^Graph 403 ErrorAccessDenied: Access is denied/),
    });
  });

  it("a mailbox that does not exist is thrown (not a permission problem)", async () => {
    const error = await g.gw.readMailboxTimeZone("nobody@contoso.test").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: expect.stringMatching(/not_found|ErrorItemNotFound|ResourceNotFound/) });
  });
});
