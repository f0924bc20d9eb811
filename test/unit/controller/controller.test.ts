import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Controller } from "../../../src/controller/controller.ts";
import { createControllerMetrics } from "../../../src/controller/controller-metrics.ts";
import type { ReconcileRequest, ReconcileResult } from "../../../src/controller/reconciler.ts";
import { PermanentError } from "../../../src/errors.ts";

const log = pino({ level: "silent" });

function controllerWith(reconcile: (request: ReconcileRequest) => Promise<ReconcileResult>) {
  const metrics = createControllerMetrics();
  const controller = new Controller({
    name: "test",
    reconciler: { reconcile },
    concurrency: 2,
    metrics,
    log,
    backoff: { baseMs: 1_000, maxMs: 60_000, jitter: 0 },
  });
  return { controller, metrics };
}

describe("Controller", () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it("retries a failing key with growing delays and counts the errors", async () => {
    const attempts: number[] = [];
    const { controller, metrics } = controllerWith(() => {
      attempts.push(Date.now());
      return Promise.reject(new Error("boom"));
    });
    controller.start();
    controller.queue.add("ns/a");
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 10);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] ?? 0));
    expect(gaps).toEqual([1_000, 2_000, 4_000]);
    expect(metrics.reconcileErrors.get({ controller: "test" })).toBe(4);
    expect(metrics.queueRetries.get({ name: "test", controller: "test" })).toBe(4);
    await controller.stop(100);
  });

  it("does not retry a terminal error", async () => {
    let calls = 0;
    const { controller, metrics } = controllerWith(() => {
      calls += 1;
      return Promise.reject(new PermanentError("InvalidSpec", "bad"));
    });
    controller.start();
    controller.queue.add("ns/a");
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toBe(1);
    expect(metrics.terminalErrors.get({ controller: "test" })).toBe(1);
    await controller.stop(100);
  });

  it("requeues after the requested delay and resets the failure count on success", async () => {
    const calls: number[] = [];
    const { controller, metrics } = controllerWith(() => {
      calls.push(Date.now());
      return Promise.resolve(calls.length < 3 ? { requeueAfterMs: 30_000 } : {});
    });
    const start = Date.now();
    controller.start();
    controller.queue.add("ns/a");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls.map((t) => t - start)).toEqual([0, 30_000, 60_000]);
    expect(metrics.reconcileTotal.get({ controller: "test", result: "requeue_after" })).toBe(2);
    expect(metrics.reconcileTotal.get({ controller: "test", result: "success" })).toBe(1);
    await controller.stop(100);
  });

  it("never reconciles one key concurrently, but runs different keys in parallel", async () => {
    const running = new Set<string>();
    let overlapSameKey = false;
    let maxParallel = 0;
    const { controller } = controllerWith(async ({ key }) => {
      if (running.has(key)) overlapSameKey = true;
      running.add(key);
      maxParallel = Math.max(maxParallel, running.size);
      await new Promise((r) => setTimeout(r, 100));
      running.delete(key);
      return {};
    });
    controller.start();
    for (let i = 0; i < 5; i += 1) {
      controller.queue.add("ns/a");
      controller.queue.add("ns/b");
      await vi.advanceTimersByTimeAsync(30);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(overlapSameKey).toBe(false);
    expect(maxParallel).toBe(2);
    await controller.stop(100);
  });

  it("lets an in-flight reconcile finish on stop, within the grace period", async () => {
    let finished = false;
    const { controller } = controllerWith(async () => {
      await new Promise((r) => setTimeout(r, 500));
      finished = true;
      return {};
    });
    controller.start();
    controller.queue.add("ns/a");
    await vi.advanceTimersByTimeAsync(10);
    const stopped = controller.stop(5_000);
    await vi.advanceTimersByTimeAsync(600);
    await stopped;
    expect(finished).toBe(true);
  });
});
