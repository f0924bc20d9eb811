import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildImportGraph, findCycles } from "../../../tools/import-cycles.ts";

describe("findCycles", () => {
  it("reports each cycle once, including a module that imports itself, and nothing for a tree", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
      ["e", ["e"]],
      ["f", ["d"]],
    ]);
    expect(findCycles(graph)).toEqual([["a", "b", "c"], ["e"]]);
    expect(findCycles(new Map([["x", ["y"]], ["y", []]]))).toEqual([]);
  });
});

describe("buildImportGraph", () => {
  it("follows relative imports, type-only ones too, and ignores packages", () => {
    const root = mkdtempSync(join(tmpdir(), "import-graph-"));
    mkdirSync(join(root, "src", "sub"), { recursive: true });
    writeFileSync(join(root, "src", "a.ts"), 'import { b } from "./sub/b.ts";\nimport { z } from "zod";\n');
    writeFileSync(join(root, "src", "sub", "b.ts"), 'import type { A } from "../a.ts";\nexport const b = 1;\n');
    const graph = buildImportGraph(root, ["src"]);
    expect(graph.get(join("src", "a.ts"))).toEqual([join("src", "sub", "b.ts")]);
    expect(findCycles(graph)).toEqual([[join("src", "a.ts"), join("src", "sub", "b.ts")]]);
  });
});
