// Writes crds/ from the zod schemas in src/api; with --check, fails when a checked-in file is stale.
import { crdFiles, crdFileState, writeCrdFile } from "./crd/render.ts";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--check");
if (unknown.length > 0) {
  console.error(`usage: node tools/gen-crds.ts [--check]\nunknown argument: ${unknown.join(" ")}`);
  process.exit(2);
}

for (const file of crdFiles) {
  if (args.includes("--check")) {
    const state = await crdFileState(file.path, file.render);
    if (state !== "up-to-date") {
      const why = state === "missing" ? "it has not been generated" : "it differs from what the schema in src/api generates";
      console.error(`${file.relativePath} is ${state}: ${why}. Run \`make crds\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${file.relativePath} is up to date`);
  } else {
    await writeCrdFile(file.path, file.render);
    console.log(`wrote ${file.relativePath}`);
  }
}
