// Writes crds/ from the zod schema in src/api; with --check, fails when the checked-in file is stale.
import { crdFileRelativePath, crdFileState, writeCrdFile } from "./crd/render.ts";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--check");
if (unknown.length > 0) {
  console.error(`usage: node tools/gen-crds.ts [--check]\nunknown argument: ${unknown.join(" ")}`);
  process.exit(2);
}

if (args.includes("--check")) {
  const state = await crdFileState();
  if (state !== "up-to-date") {
    const why = state === "missing" ? "it has not been generated" : "it differs from what the schema in src/api generates";
    console.error(`${crdFileRelativePath} is ${state}: ${why}. Run \`make crds\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${crdFileRelativePath} is up to date`);
} else {
  await writeCrdFile();
  console.log(`wrote ${crdFileRelativePath}`);
}
