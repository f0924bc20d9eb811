// `make lint` step: fails, naming the modules, when the project's own imports form a cycle.
import { resolve } from "node:path";
import { buildImportGraph, findCycles } from "./import-cycles.ts";

const root = resolve(import.meta.dirname, "..");
const graph = buildImportGraph(root, ["src", "edge-auth", "test", "dev", "bench", "tools"]);
const cycles = findCycles(graph);
if (cycles.length > 0) {
  console.error(`import cycles found (${cycles.length}):`);
  for (const cycle of cycles) console.error(`  ${cycle.join(" <-> ")}`);
  process.exit(1);
}
console.log(`no import cycles among ${graph.size} modules`);
