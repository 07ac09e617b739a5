// AttachmentBlobs on Azurite: size/type of a claim-checked file, exact byte ranges, missing blobs and containers.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { randomBytes } from "node:crypto";
import { AttachmentBlobs } from "../../../shared/adapters/blob/attachmentBlobs.js";
import { PermanentError } from "../../../shared/domain/errors.js";

const container = `mail${randomBytes(4).toString("hex")}`;
const blobs = AttachmentBlobs.fromConnectionString({
  connectionString: inject("storageConnectionString"),
  defaultContainer: container,
});
const bytes = randomBytes(1_000_003);

beforeAll(async () => {
  await blobs.upload({ name: "dir/report.pdf" }, bytes, "application/pdf");
  await blobs.upload({ container: `${container}x`, name: "other.txt" }, Buffer.from("other"));
});

describe("AttachmentBlobs", () => {
  it("stats a blob in the default container, or in the one a reference names", async () => {
    expect(await blobs.stat({ name: "dir/report.pdf" })).toEqual({
      container,
      name: "dir/report.pdf",
      size: bytes.length,
      contentType: "application/pdf",
    });
    expect(await blobs.stat({ container: `${container}x`, name: "other.txt" })).toMatchObject({ size: 5 });
  });

  it("returns undefined for a missing blob and a missing container", async () => {
    expect(await blobs.stat({ name: "dir/missing.pdf" })).toBeUndefined();
    expect(await blobs.stat({ container: "no-such-container", name: "x" })).toBeUndefined();
  });

  it.each([
    [0, 10],
    [1_000_002, 1],
    [500, 0],
    [999_000, 1_003],
    [123_456, 500_000],
  ])("reads the range at %d of %d bytes exactly", async (offset, count) => {
    const want = bytes.subarray(offset, offset + count);
    expect((await blobs.readRange({ name: "dir/report.pdf" }, offset, count)).equals(want)).toBe(true);
  });

  it("a vanished blob is a PermanentError blob_not_found naming it", async () => {
    const error = await blobs.readRange({ name: "gone.bin" }, 0, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: "blob_not_found", message: `blob ${container}/gone.bin: not found` });
  });

  it("a range past the end of a blob that shrank is refused, never sent short", async () => {
    const error = await blobs
      .readRange({ container: `${container}x`, name: "other.txt" }, 0, 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
  });
});
