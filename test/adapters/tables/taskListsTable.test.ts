// TaskLists against Azurite: one row per user with the list id, name and delta cursor; ETag-checked writes.
import { beforeAll, describe, expect, it } from "vitest";
import { TaskListsTable } from "../../../shared/adapters/tables/taskListsTable.js";
import { azuriteOptions } from "./tableTestOptions.js";

let lists: TaskListsTable;

beforeAll(async () => {
  lists = await TaskListsTable.open(azuriteOptions("tasklists"));
});

describe("TaskListsTable", () => {
  it("saves and reads a user's list (user id case-folded); no row → undefined", async () => {
    expect(await lists.get("NOBODY")).toBeUndefined();
    await lists.save({ user: "jsmith", listId: "L1", listName: "COINS" });
    expect(await lists.get("JSMITH")).toEqual({
      user: "JSMITH",
      listId: "L1",
      listName: "COINS",
      etag: expect.any(String),
    });
  });

  it("a write with the ETag read succeeds once; a second write with the same ETag is refused (412)", async () => {
    const read = (await lists.get("JSMITH"))!;
    const { etag, ...record } = read;
    await lists.save(
      { ...record, deltaUrl: "https://graph/delta?$deltatoken=1", lastSyncAt: "2026-12-07T08:00:00.000Z" },
      etag,
    );
    expect(await lists.get("JSMITH")).toMatchObject({ deltaUrl: "https://graph/delta?$deltatoken=1" });
    await expect(lists.save({ ...record, deltaUrl: "stale" }, etag)).rejects.toMatchObject({ statusCode: 412 });
  });

  it("a save without deltaUrl clears the cursor; remove deletes the row (again: no error)", async () => {
    await lists.save({ user: "JSMITH", listId: "L2", listName: "COINS" });
    expect((await lists.get("JSMITH"))?.deltaUrl).toBeUndefined();
    await lists.remove("JSMITH");
    await lists.remove("JSMITH");
    expect(await lists.get("JSMITH")).toBeUndefined();
  });
});
