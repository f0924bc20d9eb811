import { register as promGlobalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createControllerMetrics } from "../../../src/controller/controller-metrics.ts";
import { Registry } from "../../../src/controller/metrics.ts";

/** The exposition's lines without the blank ones between metrics. */
const linesOf = (text: string): string[] => text.split("\n").filter((line) => line !== "");

describe("Registry", () => {
  it("renders counters, gauges and cumulative histogram buckets in the Prometheus text format", async () => {
    const registry = new Registry({ processMetrics: false });
    const total = registry.counter("things_total", "Things");
    const depth = registry.gauge("depth", "Depth");
    const latency = registry.histogram("latency_seconds", "Latency", [0.1, 1]);
    total.inc({ result: "ok" });
    total.inc({ result: "ok" }, 2);
    depth.set({ name: 'q"1' }, 7);
    latency.observe({}, 0.05);
    latency.observe({}, 0.5);
    latency.observe({}, 5);
    expect(linesOf(await registry.render())).toEqual([
      "# HELP things_total Things",
      "# TYPE things_total counter",
      'things_total{result="ok"} 3',
      "# HELP depth Depth",
      "# TYPE depth gauge",
      'depth{name="q\\"1"} 7',
      "# HELP latency_seconds Latency",
      "# TYPE latency_seconds histogram",
      'latency_seconds_bucket{le="0.1"} 1',
      'latency_seconds_bucket{le="1"} 2',
      'latency_seconds_bucket{le="+Inf"} 3',
      "latency_seconds_sum 5.55",
      "latency_seconds_count 3",
    ]);
  });

  it("shows a metric with declared label names before its first update, and refuses other labels", async () => {
    const registry = new Registry({ processMetrics: false });
    const calls = registry.counter("calls_total", "Calls", ["service"]);
    expect(linesOf(await registry.render())).toEqual(["# HELP calls_total Calls", "# TYPE calls_total counter"]);
    expect(() => { calls.inc({ region: "eu" }); }).toThrow(/region/);
  });

  it("reads one series' current value synchronously", () => {
    const registry = new Registry({ processMetrics: false });
    const total = registry.counter("things_total", "Things");
    const depth = registry.gauge("depth", "Depth", ["queue"]);
    total.inc({ a: "1", b: "2" });
    total.inc({ b: "2", a: "1" }, 4);
    depth.set({ queue: "q" }, 3);
    depth.inc({ queue: "q" }, -1);
    expect(total.get({ a: "1", b: "2" })).toBe(5);
    expect(total.get({ a: "other", b: "2" })).toBe(0);
    expect(depth.get({ queue: "q" })).toBe(2);
  });

  it("refuses to register a name twice, including a name of the process's metrics", () => {
    const registry = new Registry();
    registry.counter("x_total", "x");
    expect(() => registry.gauge("x_total", "x")).toThrow(/already registered/);
    expect(() => registry.gauge("process_resident_memory_bytes", "x")).toThrow(/already registered/);
  });

  it("keeps registries apart and leaves prom-client's global registry empty", async () => {
    const first = createControllerMetrics();
    const second = createControllerMetrics();
    first.reconcileErrors.inc({ controller: "c" }, 2);
    second.reconcileErrors.inc({ controller: "c" });
    expect(await first.registry.render()).toMatch(/^controller_runtime_reconcile_errors_total\{controller="c"\} 2$/m);
    expect(await second.registry.render()).toMatch(/^controller_runtime_reconcile_errors_total\{controller="c"\} 1$/m);
    expect(promGlobalRegistry.getMetricsAsArray()).toEqual([]);
  });
});

describe("the operator's exposition", () => {
  it("holds the controller's metrics with their labels and the process's metrics", async () => {
    const metrics = createControllerMetrics();
    metrics.queueAdds.inc({ name: "widget", controller: "widget" });
    metrics.reconcileTime.observe({ controller: "widget" }, 0.2);
    const text = await metrics.registry.render();
    expect(text).toMatch(/^workqueue_adds_total\{name="widget",controller="widget"\} 1$/m);
    expect(text).toMatch(/^controller_runtime_reconcile_time_seconds_bucket\{le="0.25",controller="widget"\} 1$/m);
    // Declared up front, so present before the first reconcile.
    expect(text).toContain("# TYPE controller_runtime_reconcile_total counter");
    // prom-client's default metrics: memory, event-loop lag, GC, the Node.js version.
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
    expect(text).toContain("# TYPE nodejs_gc_duration_seconds histogram");
    expect(text).toMatch(/^nodejs_version_info\{.*\} 1$/m);
  });
});
