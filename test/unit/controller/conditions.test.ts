import { describe, expect, it } from "vitest";
import { conditionTypes } from "../../../src/api/index.ts";
import { kstatusConditions, kstatusConditionTypes, setCondition, setConditions, type Condition } from "../../../src/controller/conditions.ts";
import { nextStatus } from "../../../src/controller/status.ts";

const t0 = new Date("2026-01-01T00:00:00.000Z");
const t1 = new Date("2026-01-01T00:05:00.000Z");

describe("setCondition", () => {
  it("moves lastTransitionTime only when the status flips", () => {
    const first = setCondition([], { type: "Ready", status: "False", reason: "Deploying", message: "" }, t0);
    const sameStatus = setCondition(first, { type: "Ready", status: "False", reason: "Waiting", message: "still" }, t1);
    expect(sameStatus[0]).toMatchObject({ reason: "Waiting", lastTransitionTime: "2026-01-01T00:00:00Z" });
    const flipped = setCondition(sameStatus, { type: "Ready", status: "True", reason: "Deployed", message: "" }, t1);
    expect(flipped[0]?.lastTransitionTime).toBe("2026-01-01T00:05:00Z");
  });

  it("keeps other conditions and their order", () => {
    const start: Condition[] = [
      { type: "A", status: "True", reason: "x", message: "", lastTransitionTime: "2025-01-01T00:00:00Z" },
      { type: "B", status: "True", reason: "x", message: "", lastTransitionTime: "2025-01-01T00:00:00Z" },
    ];
    const next = setConditions(start, [{ type: "B", status: "False", reason: "y", message: "" }, { type: "C", status: "True", reason: "z", message: "" }], t0);
    expect(next.map((c) => `${c.type}=${c.status}`)).toEqual(["A=True", "B=False", "C=True"]);
    expect(next[0]).toBe(start[0]);
  });
});

describe("kstatusConditions", () => {
  it("uses the condition types the API documents to its users", () => {
    expect(kstatusConditionTypes).toEqual({ ready: conditionTypes.ready, reconciling: conditionTypes.reconciling, stalled: conditionTypes.stalled });
  });

  it("sets exactly one of Ready, Reconciling and Stalled to True", () => {
    for (const state of ["ready", "reconciling", "stalled"] as const) {
      const conditions = kstatusConditions({ state, reason: "R", message: "m" }, 3);
      expect(conditions.filter((c) => c.status === "True").map((c) => c.type)).toEqual([
        { ready: "Ready", reconciling: "Reconciling", stalled: "Stalled" }[state],
      ]);
      expect(conditions.every((c) => c.observedGeneration === 3)).toBe(true);
    }
  });
});

describe("nextStatus", () => {
  const ready = kstatusConditions({ state: "ready", reason: "Done", message: "" }, 2);

  it("returns undefined when nothing would change, so no write is made", () => {
    const current = nextStatus(undefined, { fields: { url: "https://x" }, conditions: ready }, 2, t0);
    expect(current).toBeDefined();
    expect(nextStatus(current, { fields: { url: "https://x" }, conditions: ready }, 2, t1)).toBeUndefined();
  });

  it("sets observedGeneration and the given fields, and keeps conditions and fields it was not given", () => {
    const current = {
      url: "https://old",
      other: "x",
      observedGeneration: 1,
      conditions: [{ type: "Custom", status: "True" as const, reason: "r", message: "", lastTransitionTime: "2025-01-01T00:00:00Z" }],
    };
    const next = nextStatus(current, { fields: { url: "https://new" }, conditions: ready }, 2, t0);
    expect(next?.observedGeneration).toBe(2);
    expect(next?.["url"]).toBe("https://new");
    expect(next).toMatchObject({ other: "x" });
    expect(next?.conditions.map((c) => c.type)).toEqual(["Custom", "Ready", "Reconciling", "Stalled"]);
  });
});
