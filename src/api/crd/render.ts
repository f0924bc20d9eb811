// Renders the checked-in CRD file and compares it with what the schema generates today.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { securedContentBucketCrd } from "./crd.ts";
import { toYaml } from "./yaml.ts";

/** Path of the generated CRD, relative to the repository root. */
export const crdFileRelativePath = "crds/securedcontent.io_securedcontentbuckets.yaml";

export const crdFilePath = fileURLToPath(new URL(`../../../${crdFileRelativePath}`, import.meta.url));

const header = "# Generated from src/api by `make crds` (node tools/gen-crds.ts). Do not edit by hand.\n---\n";

/** The full text of the CRD file. */
export function renderCrdYaml(): string {
  return header + toYaml(securedContentBucketCrd());
}

export async function writeCrdFile(path = crdFilePath): Promise<void> {
  await writeFile(path, renderCrdYaml());
}

export type CrdFileState = "up-to-date" | "stale" | "missing";

/** Compares the file with a fresh rendering. */
export async function crdFileState(path = crdFilePath): Promise<CrdFileState> {
  let current: string;
  try {
    current = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return "missing";
    throw error;
  }
  return current === renderCrdYaml() ? "up-to-date" : "stale";
}
