import { describe, expect, it } from "vitest";
import { deepEqual } from "../../../src/util/deep-equal.ts";
import { createMergePatch } from "../../../src/util/merge-patch.ts";

describe("deepEqual", () => {
  it("ignores key order and undefined members but not array order", () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: null }, { a: undefined })).toBe(false);
    expect(deepEqual({ a: 1 }, [1])).toBe(false);
  });
});

describe("createMergePatch", () => {
  it("sends only what changed, nulls what was removed, and whole arrays", () => {
    const current = { a: 1, nested: { keep: 1, drop: 2, change: 3 }, list: [1, 2], gone: "x" };
    const next = { a: 1, nested: { keep: 1, change: 4 }, list: [1, 2, 3] };
    expect(createMergePatch(current, next)).toEqual({ nested: { drop: null, change: 4 }, list: [1, 2, 3], gone: null });
  });

  it("returns undefined for equal values", () => {
    expect(createMergePatch({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined();
  });

  it("applying the patch with RFC 7386 rules yields the target", () => {
    const current = { a: { b: { c: 1, d: 2 } }, e: 5 };
    const next = { a: { b: { c: 1 }, x: true }, f: [1] };
    const patch = createMergePatch(current, next);
    expect(applyMergePatch(current, patch)).toEqual(next);
  });
});

function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(result, key);
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
