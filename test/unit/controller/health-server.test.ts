import { afterEach, describe, expect, it } from "vitest";
import { createControllerMetrics } from "../../../src/controller/controller-metrics.ts";
import { startHealthServer, type HealthServer } from "../../../src/controller/health-server.ts";

describe("health server", () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves the registry's metrics and the process's on /metrics", async () => {
    const metrics = createControllerMetrics();
    metrics.reconcileTotal.inc({ controller: "widget", result: "success" }, 2);
    let ready = false;
    server = await startHealthServer({ host: "127.0.0.1", port: 0, registry: metrics.registry, isReady: () => ready });

    const response = await fetch(`http://127.0.0.1:${String(server.port)}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^controller_runtime_reconcile_total\{controller="widget",result="success"\} 2$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);

    expect((await fetch(`http://127.0.0.1:${String(server.port)}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`http://127.0.0.1:${String(server.port)}/readyz`)).status).toBe(200);
  });
});
