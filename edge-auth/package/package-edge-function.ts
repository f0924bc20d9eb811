// The edge packager: config → validated config.json + bundle → deterministic zip and its Lambda CodeSha256.
import { createHash } from "node:crypto";
import { buildEdgeBundle, bundleFileName, lambdaHandler } from "./bundle.ts";
import { parseEdgeConfig, type EdgeConfigOptions, type ValidatedEdgeConfig } from "./config-schema.ts";
import { deterministicZip } from "./zip.ts";

/** Lambda@Edge rejects viewer-request packages over 1 MB. */
export const maxPackageBytes = 1024 * 1024;
/** The bundle budget, one of the goals in docs/performance.md (reported by the CLI and checked by a test, not a hard limit here). */
export const bundleBudgetBytes = 16 * 1024;
export const configFileName = "config.json";

export interface EdgePackage {
  readonly zip: Uint8Array;
  /** base64(sha256(zip)): what Lambda reports as CodeSha256 for this package. */
  readonly sha256Base64: string;
  readonly bundleBytes: number;
  readonly zipBytes: number;
  /** The Lambda handler string for this package. */
  readonly handler: typeof lambdaHandler;
  readonly config: ValidatedEdgeConfig;
}

export interface PackageOptions extends EdgeConfigOptions {
  /** A bundle built earlier with buildEdgeBundle(); without it, the handler is bundled now (needs esbuild). */
  readonly bundle?: Uint8Array;
}

/** Serialized in the schema's key order with a trailing newline: the same config always gives the same bytes. */
export function serializeConfig(config: ValidatedEdgeConfig): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`);
}

export function codeSha256(zip: Uint8Array): string {
  return createHash("sha256").update(zip).digest("base64");
}

/**
 * Validates the config (EdgeConfigError lists the bad fields, and nothing is built) and returns the zip with
 * `index.mjs` and `config.json`.
 */
export async function packageEdgeFunction(config: unknown, options: PackageOptions = {}): Promise<EdgePackage> {
  const validated = parseEdgeConfig(config, options);
  const bundle = options.bundle ?? (await buildEdgeBundle());
  const zip = deterministicZip(
    new Map([
      [bundleFileName, bundle],
      [configFileName, serializeConfig(validated)],
    ]),
  );
  if (zip.length > maxPackageBytes) throw new Error(`edge package is ${zip.length} bytes; Lambda@Edge allows ${maxPackageBytes}`);
  return {
    zip,
    sha256Base64: codeSha256(zip),
    bundleBytes: bundle.length,
    zipBytes: zip.length,
    handler: lambdaHandler,
    config: validated,
  };
}
