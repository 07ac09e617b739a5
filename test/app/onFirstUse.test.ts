// onFirstUse: one load for every caller, and a failed load is tried again by the next call.
import { describe, expect, it } from "vitest";
import { onFirstUse } from "../../shared/app/onFirstUse.js";

describe("onFirstUse", () => {
  it("loads nothing until the first call, then hands every caller the same promise", async () => {
    let loads = 0;
    const get = onFirstUse(async () => ({ n: ++loads }));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    expect(loads).toBe(1);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(loads).toBe(1);
  });

  it("forgets a failed load, so the next call loads again", async () => {
    const outcomes = [new Error("chunk missing"), "loaded"];
    let loads = 0;
    const get = onFirstUse(async () => {
      const next = outcomes[loads++];
      if (next instanceof Error) throw next;
      return next;
    });
    await expect(get()).rejects.toThrow("chunk missing");
    await expect(get()).resolves.toBe("loaded");
    await expect(get()).resolves.toBe("loaded");
    expect(loads).toBe(2);
  });
});
