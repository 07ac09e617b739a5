// MailSendLogTable on Azurite: one entry per email per mailbox (moved, not duplicated), mailboxes apart, pruning.
import { describe, expect, it } from "vitest";
import { MailSendLogTable } from "../../../shared/adapters/tables/mailSendLogTable.js";
import { azuriteOptions } from "./tableTestOptions.js";

const log = await MailSendLogTable.open(azuriteOptions("sendlog"));

describe("MailSendLogTable", () => {
  it("keeps one entry per email key, per mailbox (case-insensitive), and prunes", async () => {
    await log.set("JSmith@Contoso.test", "email-1", 1000);
    await log.set("jsmith@contoso.test", "email-2", 2000);
    await log.set("jsmith@contoso.test", "email-1", 61_000); // a reservation moved
    await log.set("adoe@contoso.test", "email-3", 3000);
    const entries = (await log.list("jsmith@contoso.test")).sort((a, b) => a.at - b.at);
    expect(entries).toEqual([
      { key: "email-2", at: 2000 },
      { key: "email-1", at: 61_000 },
    ]);
    await log.prune("jsmith@contoso.test", ["email-2", "never-there"]);
    expect(await log.list("JSMITH@contoso.test")).toEqual([{ key: "email-1", at: 61_000 }]);
    expect(await log.list("adoe@contoso.test")).toEqual([{ key: "email-3", at: 3000 }]);
  });
});
