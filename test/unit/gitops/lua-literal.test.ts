// toLuaLiteral hands Kubernetes objects to Lua health scripts as Argo CD does: tables, 1-based arrays, nil.
import { describe, expect, it } from "vitest";
import { toLuaLiteral } from "../../harness/lua.ts";

describe("toLuaLiteral", () => {
  it("turns objects into keyed tables and arrays into sequences, in order", () => {
    expect(toLuaLiteral({ metadata: { generation: 3 }, status: { conditions: [{ type: "Ready" }, { type: "Stalled" }] } })).toBe(
      '{["metadata"] = {["generation"] = 3}, ["status"] = {["conditions"] = {{["type"] = "Ready"}, {["type"] = "Stalled"}}}}',
    );
  });

  it("writes scalars as Lua writes them: null as nil, booleans, integers and decimals", () => {
    expect([null, true, false, 0, -2, 1.5, 1e21, [], {}].map((value) => toLuaLiteral(value))).toEqual([
      "nil", "true", "false", "0", "-2", "1.5", "1e+21", "{}", "{}",
    ]);
  });

  it("escapes quotes, backslashes and control characters, and spells out UTF-8 bytes", () => {
    expect(toLuaLiteral('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(toLuaLiteral("a\nb\tc\u007f")).toBe('"a\\010b\\009c\\127"');
    expect(toLuaLiteral("ñ✓")).toBe('"\\195\\177\\226\\156\\147"');
    expect(toLuaLiteral({ 'key "quoted"': "v" })).toBe('{["key \\"quoted\\""] = "v"}');
  });

  it("refuses what JSON cannot carry", () => {
    expect(() => toLuaLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => toLuaLiteral(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => toLuaLiteral(() => 1)).toThrow(TypeError);
  });
});
