// mapBlobError: which storage answers are permanent (FAILED at once) and which are worth retrying.
import { describe, expect, it } from "vitest";
import { RestError } from "@azure/storage-blob";
import { mapBlobError } from "../../../shared/adapters/blob/attachmentBlobs.js";
import { PermanentError, TransientError } from "../../../shared/domain/errors.js";

const rest = (statusCode: number) => new RestError(`status ${statusCode}`, { statusCode });

describe("mapBlobError", () => {
  it.each([
    [400, "blob_refused"],
    [401, "blob_forbidden"],
    [403, "blob_forbidden"],
    [404, "blob_not_found"],
    [409, "blob_refused"],
    [412, "blob_refused"],
    [416, "blob_refused"],
  ])("%i → permanent %s", (status, code) => {
    const e = mapBlobError(rest(status), "blob c/n");
    expect(e).toBeInstanceOf(PermanentError);
    expect((e as PermanentError).code).toBe(code);
  });
  it.each([408, 429, 500, 503])("%i → transient", (status) => {
    expect(mapBlobError(rest(status), "blob c/n")).toBeInstanceOf(TransientError);
  });
  it("no answer (a connection error) → transient", () => {
    expect(mapBlobError(new Error("ECONNREFUSED"), "blob c/n")).toBeInstanceOf(TransientError);
  });
});
