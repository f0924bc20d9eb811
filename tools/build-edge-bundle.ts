// `make build` step: writes the edge handler bundle once, so the operator image needs no esbuild at run time
// (the operator reads it through EDGE_BUNDLE_PATH).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { buildEdgeBundle, bundleFileName } from "../edge-auth/package/bundle.ts";

const out = resolve(import.meta.dirname, "..", "dist", "edge-auth", bundleFileName);
const bundle = await buildEdgeBundle();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bundle);
console.log(`edge bundle: ${out} (${bundle.byteLength} bytes)`);
