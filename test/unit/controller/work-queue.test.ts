import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelayMs } from "../../../src/controller/backoff.ts";
import { WorkQueue } from "../../../src/controller/work-queue.ts";

const noJitter = { baseMs: 100, maxMs: 1_000, jitter: 0 };

describe("WorkQueue", () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it("collapses repeated adds of a waiting key into one", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");
    queue.add("ns/a");
    queue.add("ns/b");
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe("ns/a");
    expect(await queue.get()).toBe("ns/b");
  });

  it("never hands out a key that is being processed; an add meanwhile re-queues it after done", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");
    const key = await queue.get();
    queue.add("ns/a");
    expect(queue.length).toBe(0);
    let second: string | undefined;
    void queue.get().then((k) => { second = k; });
    await Promise.resolve();
    expect(second).toBeUndefined();
    queue.done(key ?? "");
    await Promise.resolve();
    expect(second).toBe("ns/a");
  });

  it("wakes a waiting worker when a key arrives", async () => {
    const queue = new WorkQueue();
    const next = queue.get();
    queue.add("ns/a");
    expect(await next).toBe("ns/a");
    expect(queue.processingCount).toBe(1);
  });

  it("adds after a delay, keeping the earliest of several delayed adds", async () => {
    const queue = new WorkQueue();
    queue.addAfter("ns/a", 5_000);
    queue.addAfter("ns/a", 1_000);
    queue.addAfter("ns/a", 3_000);
    vi.advanceTimersByTime(999);
    expect(queue.length).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe("ns/a");
    queue.done("ns/a");
    vi.advanceTimersByTime(10_000);
    expect(queue.length).toBe(0);
  });

  it("backs a failing key off exponentially, and forget resets the count", () => {
    const queue = new WorkQueue({ backoff: noJitter });
    expect([1, 2, 3, 4, 5].map(() => queue.addRateLimited("ns/a"))).toEqual([100, 200, 400, 800, 1_000]);
    expect(queue.failures("ns/a")).toBe(5);
    queue.forget("ns/a");
    expect(queue.addRateLimited("ns/a")).toBe(100);
  });

  it("returns undefined to idle workers on shutdown and ignores later adds", async () => {
    const queue = new WorkQueue();
    const idle = queue.get();
    queue.addAfter("ns/late", 100);
    queue.shutDown();
    expect(await idle).toBeUndefined();
    queue.add("ns/a");
    vi.advanceTimersByTime(1_000);
    expect(queue.length).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });

  it("reports depth, adds, retries and queue latency to its observer", async () => {
    const seen = { adds: 0, retries: 0, depths: [] as number[], latencies: [] as number[] };
    const queue = new WorkQueue({
      backoff: noJitter,
      observer: {
        onAdd: () => { seen.adds += 1; },
        onRetry: () => { seen.retries += 1; },
        onDepth: (d) => { seen.depths.push(d); },
        onQueueLatency: (s) => { seen.latencies.push(s); },
      },
    });
    queue.add("ns/a");
    queue.add("ns/a");
    vi.advanceTimersByTime(2_000);
    await queue.get();
    queue.addRateLimited("ns/a");
    expect(seen).toEqual({ adds: 2, retries: 1, depths: [1, 0], latencies: [2] });
  });
});

describe("backoffDelayMs", () => {
  it("spreads delays by the jitter fraction and never exceeds the cap", () => {
    const policy = { baseMs: 1_000, maxMs: 60_000, jitter: 0.2 };
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(800);
    expect(backoffDelayMs(policy, 1, () => 1)).toBe(1_200);
    expect(backoffDelayMs(policy, 3, () => 0.5)).toBe(4_000);
    expect(backoffDelayMs(policy, 40, () => 1)).toBe(60_000);
  });
});
