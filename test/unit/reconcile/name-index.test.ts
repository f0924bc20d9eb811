import { describe, expect, it } from "vitest";
import { NameIndex } from "../../../src/reconcile/common/name-index.ts";

function counting(ids: Record<string, string>): { list: () => Promise<Map<string, string>>; calls: () => number } {
  let calls = 0;
  return {
    list: () => {
      calls += 1;
      return Promise.resolve(new Map(Object.entries(ids)));
    },
    calls: () => calls,
  };
}

describe("NameIndex", () => {
  it("answers every lookup from one listing while it is young, concurrent ones included", async () => {
    const index = new NameIndex({ maxAgeMs: 60_000 });
    const source = counting({ a: "id-a" });
    const answers = await Promise.all([index.lookup("a", source.list), index.lookup("b", source.list), index.lookup("a", source.list)]);
    expect(answers).toEqual(["id-a", undefined, "id-a"]);
    expect(source.calls()).toBe(1);
  });

  it("knows what this process created or removed since the listing", async () => {
    const index = new NameIndex({ maxAgeMs: 60_000 });
    const source = counting({ a: "id-a" });
    expect(await index.lookup("b", source.list)).toBeUndefined();
    index.remember("b", "id-b");
    index.forget("a");
    expect(await index.lookup("b", source.list)).toBe("id-b");
    expect(await index.lookup("a", source.list)).toBeUndefined();
    expect(source.calls()).toBe(1);
  });

  it("lists again once the listing is older than maxAge, and after a failed listing", async () => {
    let now = 0;
    const index = new NameIndex({ maxAgeMs: 1_000, now: () => now });
    let fail = true;
    let calls = 0;
    const list = (): Promise<Map<string, string>> => {
      calls += 1;
      return fail ? Promise.reject(new Error("throttled")) : Promise.resolve(new Map([["a", `id-a-${calls}`]]));
    };
    await expect(index.lookup("a", list)).rejects.toThrow("throttled");
    fail = false;
    expect(await index.lookup("a", list)).toBe("id-a-2");
    now = 999;
    expect(await index.lookup("a", list)).toBe("id-a-2");
    now = 1_000;
    expect(await index.lookup("a", list)).toBe("id-a-3");
  });
});
