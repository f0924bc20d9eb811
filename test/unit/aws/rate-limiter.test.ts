import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TokenBucket } from "../../../src/aws/rate-limiter.ts";

describe("TokenBucket", () => {
  beforeEach(() => { vi.useFakeTimers({ toFake: ["setTimeout", "performance"] }); });
  afterEach(() => { vi.useRealTimers(); });

  it("allows a burst, then one call per 1/rate seconds, in arrival order", async () => {
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3 });
    const granted: { id: number; at: number }[] = [];
    const start = performance.now();
    for (let id = 0; id < 6; id += 1) void bucket.acquire().then(() => granted.push({ id, at: performance.now() - start }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(granted.map((g) => g.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(granted.map((g) => Math.round(g.at / 100) * 100)).toEqual([0, 0, 0, 500, 1_000, 1_500]);
  });

  it("rejects a waiting caller whose signal aborts", async () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 });
    await bucket.acquire();
    const controller = new AbortController();
    const waiting = bucket.acquire(controller.signal);
    controller.abort(new Error("shutting down"));
    await expect(waiting).rejects.toThrow("shutting down");
  });
});
