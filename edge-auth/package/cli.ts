// Command line for the packager: node edge-auth/package/cli.ts --config <config.json> --out <file.zip>
// [--allow-insecure-jwks-uri] (development only: a jwksUri other than the issuer's Cognito JWKS, e.g. on loopback)
import { readFile, rename, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { EdgeConfigError } from "./config-schema.ts";
import { bundleBudgetBytes, packageEdgeFunction } from "./package-edge-function.ts";

const usage = "usage: node edge-auth/package/cli.ts --config <config.json> --out <file.zip> [--allow-insecure-jwks-uri]";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { config: { type: "string" }, out: { type: "string" }, "allow-insecure-jwks-uri": { type: "boolean" } },
    strict: true,
  });
  if (values.config === undefined || values.out === undefined) {
    console.error(usage);
    return 2;
  }
  let input: unknown;
  try {
    input = JSON.parse(await readFile(values.config, "utf8"));
  } catch (error) {
    console.error(`cannot read ${values.config}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  let edgePackage;
  try {
    edgePackage = await packageEdgeFunction(input, { allowInsecureJwksUri: values["allow-insecure-jwks-uri"] === true });
  } catch (error) {
    if (!(error instanceof EdgeConfigError)) throw error;
    console.error(`${values.config}: ${error.message}`);
    console.error("no zip written");
    return 1;
  }
  // Write beside the target and rename, so a half-written zip never has the target's name.
  const partial = `${values.out}.partial`;
  await writeFile(partial, edgePackage.zip);
  await rename(partial, values.out);
  if (values["allow-insecure-jwks-uri"] === true) console.warn("WARNING: --allow-insecure-jwks-uri: this package is for development only");
  const overBudget = edgePackage.bundleBytes > bundleBudgetBytes ? " OVER BUDGET" : "";
  console.log(`bundle     index.mjs ${edgePackage.bundleBytes} bytes (budget ${bundleBudgetBytes})${overBudget}`);
  console.log(`zip        ${values.out} ${edgePackage.zipBytes} bytes`);
  console.log(`codeSha256 ${edgePackage.sha256Base64}`);
  console.log(`handler    ${edgePackage.handler}`);
  return 0;
}

process.exitCode = await main();
