// `make test-aws`'s conformance run, against the emulator: the same script (test/aws/run.ts) with the AWS
// endpoints pointed at the harness's moto (IAM enforced, so the operator holds only the shipped policy), the
// edge emulator in place of CloudFront's HTTPS, and windows of seconds instead of minutes. It keeps the script
// from rotting between the rare runs against a real account.
import { describe, expect, inject, it } from "vitest";
import { CleanupList } from "../../aws/cleanup.ts";
import { runConformance } from "../../aws/run.ts";
import { emulatorTarget } from "../../aws/target.ts";

describe("make test-aws, against the emulator", () => {
  const env = inject("harness");

  it("passes every step and leaves nothing behind", async () => {
    const lines: string[] = [];
    const cleanup = new CleanupList();
    const report = await runConformance(emulatorTarget(env), { log: (line) => lines.push(line), cleanup, prefix: "scb-conf-emulated" });
    expect(report.steps.filter((step) => step.status !== "passed"), lines.join("\n")).toEqual([]);
    expect(report.steps.map((step) => step.name)).toHaveLength(16);
    expect(report.result).toBe("passed");
    expect(report.leftovers).toEqual([]);
    expect(report.removed.length).toBe(cleanup.size);
    expect(report.cost.totalUsd).toBeGreaterThan(0);
    expect(report.cost.totalUsd).toBeLessThan(0.1);
  }, 180_000);
});
