import { describe, expect, it } from "vitest";
import { Registry } from "../../../src/controller/metrics.ts";

describe("Registry", () => {
  it("renders counters, gauges and cumulative histogram buckets in the Prometheus text format", () => {
    const registry = new Registry();
    const total = registry.counter("things_total", "Things");
    const depth = registry.gauge("depth", "Depth");
    const latency = registry.histogram("latency_seconds", "Latency", [0.1, 1]);
    total.inc({ result: "ok" });
    total.inc({ result: "ok" }, 2);
    depth.set({ name: 'q"1' }, 7);
    latency.observe({}, 0.05);
    latency.observe({}, 0.5);
    latency.observe({}, 5);
    expect(registry.render()).toBe(
      [
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
        "",
      ].join("\n"),
    );
  });

  it("refuses to register a name twice", () => {
    const registry = new Registry();
    registry.counter("x_total", "x");
    expect(() => registry.gauge("x_total", "x")).toThrow(/already registered/);
  });
});
