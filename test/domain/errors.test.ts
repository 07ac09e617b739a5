// toAppError: errors from our own validation/encoding are permanent (never "transient; try again"); the rest transient.
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { PermanentError, TransientError, toAppError } from "../../shared/domain/errors.js";

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
};

describe("toAppError", () => {
  it.each([
    ["decodeURIComponent of a malformed escape", () => decodeURIComponent("%E0%A4%A")],
    ["encodeURIComponent of a lone surrogate", () => encodeURIComponent("\uD800")],
    ["JSON.parse of text that is not JSON", () => JSON.parse("{not json")],
    [
      "a strict TextDecoder on bad UTF-8",
      () => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])),
    ],
    ["zod parse throwing", () => z.object({ a: z.string() }).parse({ a: 1 })],
  ])("%s → permanent invalid_input", (_name, f) => {
    const e = toAppError(thrown(f));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.code).toBe("invalid_input");
  });

  it.each([
    ["a plain Error", new Error("socket hang up")],
    ["a fetch TypeError", new TypeError("fetch failed")],
    ["a string", "boom"],
  ])("%s → transient unexpected", (_name, error) => {
    const e = toAppError(error);
    expect(e).toBeInstanceOf(TransientError);
    expect(e.code).toBe("unexpected");
  });
});
