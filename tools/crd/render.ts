// Renders the checked-in CRD file and compares it with what the schema generates today.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Document, Scalar, parse, visit } from "yaml";
import { securedContentBucketCrd, securedContentClassCrd } from "./crd.ts";

/** Path of the generated CRD, relative to the repository root. */
export const crdFileRelativePath = "crds/securedcontent.io_securedcontentbuckets.yaml";

export const crdFilePath = fileURLToPath(new URL(`../../${crdFileRelativePath}`, import.meta.url));

export const classCrdFileRelativePath = "crds/securedcontent.io_securedcontentclasses.yaml";

export const classCrdFilePath = fileURLToPath(new URL(`../../${classCrdFileRelativePath}`, import.meta.url));

/** Every generated CRD file, for whoever installs the API (kubectl apply -f each). */
export const crdFilePaths: readonly string[] = [crdFilePath, classCrdFilePath];

const header = "# Generated from src/api by `make crds` (node tools/gen-crds.ts). Do not edit by hand.\n---\n";

// Characters the yaml package writes raw that Kubernetes' YAML reader (go-yaml) refuses (DEL, C1 controls, a
// byte-order mark inside the text) or reads as a line break (NEL, U+2028, U+2029).
const rawUnsafe = /[\u007f-\u009f\u2028\u2029\ufeff]/u;

/**
 * Whether a string written plain reads back as itself under both YAML 1.1 and 1.2. Kubernetes' reader is
 * YAML 1.1 with parts of 1.2 (yes, on and 0777 are not strings to it, and neither is 0o17).
 */
function readsBackPlain(text: string): boolean {
  return (["1.1", "1.2"] as const).every((version) => {
    try {
      return parse(text, { version, logLevel: "error" }) === text;
    } catch {
      return false;
    }
  });
}

/**
 * Writes JSON data as YAML that Kubernetes reads back as the same data: every string that either YAML version
 * could take for something else is double-quoted. Lines are not folded, so each description stays on one line.
 */
export function toYaml(value: unknown): string {
  const document = new Document(value, { version: "1.1" });
  visit(document, {
    Scalar: (_, node) => {
      if (typeof node.value === "string" && !readsBackPlain(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const text = document.toString({ lineWidth: 0 });
  const unsafe = rawUnsafe.exec(text);
  if (unsafe !== null) {
    const code = unsafe[0].codePointAt(0)?.toString(16).padStart(4, "0") ?? "";
    throw new Error(`cannot write U+${code} as YAML that Kubernetes reads back: leave it out of the text`);
  }
  return text;
}

/** The full text of the CRD file. */
export function renderCrdYaml(): string {
  return header + toYaml(securedContentBucketCrd());
}

export function renderClassCrdYaml(): string {
  return header + toYaml(securedContentClassCrd());
}

/** Each generated file with the text it must hold. */
export const crdFiles: readonly { readonly relativePath: string; readonly path: string; readonly render: () => string }[] = [
  { relativePath: crdFileRelativePath, path: crdFilePath, render: renderCrdYaml },
  { relativePath: classCrdFileRelativePath, path: classCrdFilePath, render: renderClassCrdYaml },
];

export async function writeCrdFile(path = crdFilePath, render = renderCrdYaml): Promise<void> {
  await writeFile(path, render());
}

export type CrdFileState = "up-to-date" | "stale" | "missing";

/** Compares the file with a fresh rendering. */
export async function crdFileState(path = crdFilePath, render = renderCrdYaml): Promise<CrdFileState> {
  let current: string;
  try {
    current = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return "missing";
    throw error;
  }
  return current === render() ? "up-to-date" : "stale";
}
