// Bundles the handler into one minified ES module with esbuild, in memory, refusing any non-builtin import.
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";

/** The bundle's file name in the zip; with it, the Lambda handler string is `index.handler`. */
export const bundleFileName = "index.mjs";
export const lambdaHandler = "index.handler";

const entryPoint = fileURLToPath(new URL("../src/index.ts", import.meta.url));

// "No runtime dependencies" is enforced, not hoped for: a bare import other than node:* fails the build.
const onlyNodeBuiltins: Plugin = {
  name: "only-node-builtins",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("node:")
        ? { path: args.path, external: true }
        : { errors: [{ text: `the edge bundle must not import packages (${args.path} from ${args.importer})` }] },
    );
  },
};

/**
 * Builds the handler bundle. The bytes depend only on the source and the esbuild version, never on the config,
 * which the bundle reads from config.json at cold start. esbuild is loaded lazily, so a caller that passes a
 * prebuilt bundle to the packager does not need it installed.
 */
export async function buildEdgeBundle(): Promise<Uint8Array> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    outfile: bundleFileName,
    format: "esm",
    platform: "node",
    target: "node22",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    sourcemap: false,
    logLevel: "silent",
    plugins: [onlyNodeBuiltins],
  });
  const [output, ...extra] = result.outputFiles;
  if (output === undefined || extra.length > 0) throw new Error(`esbuild produced ${result.outputFiles.length} files, expected 1`);
  return output.contents;
}
