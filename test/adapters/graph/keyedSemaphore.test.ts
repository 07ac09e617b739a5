// The per-mailbox limiter: at most N holders per key, FIFO hand-over, keys independent and case-insensitive.
import { describe, expect, it } from "vitest";
import { KeyedSemaphore } from "../../../shared/adapters/graph/keyedSemaphore.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("KeyedSemaphore", () => {
  it("lets 4 through per key, queues the 5th until one releases, FIFO", async () => {
    const s = new KeyedSemaphore(4);
    const releases = await Promise.all([1, 2, 3, 4].map(() => s.acquire("a@x")));
    const order: number[] = [];
    const fifth = s.acquire("A@X").then((r) => (order.push(5), r));
    const sixth = s.acquire("a@x").then((r) => (order.push(6), r));
    await tick();
    expect(order).toEqual([]);
    expect(s.inFlight("a@x")).toBe(4);
    expect(s.waiting("a@x")).toBe(2);
    releases[0]?.();
    await tick();
    expect(order).toEqual([5]);
    expect(s.inFlight("a@x")).toBe(4);
    releases[0]?.(); // double release is harmless
    await tick();
    expect(order).toEqual([5]);
    releases[1]?.();
    await tick();
    expect(order).toEqual([5, 6]);
    for (const r of [releases[2], releases[3], await fifth, await sixth]) r?.();
    expect(s.inFlight("a@x")).toBe(0);
  });

  it("keys do not block each other", async () => {
    const s = new KeyedSemaphore(1);
    const a = await s.acquire("a");
    let gotB = false;
    void s.acquire("b").then(() => (gotB = true));
    await tick();
    expect(gotB).toBe(true);
    a();
  });

  it("run() never exceeds the limit under load and releases on failure", async () => {
    const s = new KeyedSemaphore(4);
    let active = 0;
    let max = 0;
    const jobs = Array.from({ length: 20 }, (_, i) =>
      s.run("m", async () => {
        active++;
        max = Math.max(max, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        if (i % 5 === 0) throw new Error("fail");
      }),
    );
    const settled = await Promise.allSettled(jobs);
    expect(max).toBe(4);
    expect(settled.filter((r) => r.status === "rejected")).toHaveLength(4);
    expect(s.inFlight("m")).toBe(0);
  });

  it("refuses a non-positive limit", () => {
    expect(() => new KeyedSemaphore(0)).toThrow(/positive integer/);
  });
});
