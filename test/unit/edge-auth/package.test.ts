// The packager: validated config, a deterministic zip, a small bundle, and a bundle that works as deployed.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildEdgeBundle } from "../../../edge-auth/package/bundle.ts";
import { EdgeConfigError, isAllowableOrigin, parseEdgeConfig } from "../../../edge-auth/package/config-schema.ts";
import { bundleBudgetBytes, packageEdgeFunction } from "../../../edge-auth/package/package-edge-function.ts";
import type { ViewerRequestHandler } from "../../../edge-auth/src/handler.ts";
import { appOrigin, bearer, clientId, issuer, preflight, requiredGroup, testKeys, validIdToken, viewerRequest } from "./fixtures.ts";

const rawConfig = {
  issuer,
  clientIds: [clientId],
  requiredGroups: [requiredGroup],
  tokenUse: "id",
  tokenSources: ["authorizationHeader", "cookie"],
  jwks: { keys: [testKeys().signing.jwk] },
  clockToleranceSeconds: 30,
};

let bundle: Uint8Array;
const tempDirs: string[] = [];

beforeAll(async () => {
  bundle = await buildEdgeBundle();
});

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Unzips a package into a fresh directory, as Lambda does, and imports its handler. */
async function deploy(zip: Uint8Array, skip: readonly string[] = []): Promise<ViewerRequestHandler> {
  const dir = await mkdtemp(join(tmpdir(), "edge-auth-"));
  tempDirs.push(dir);
  for (const [name, data] of Object.entries(unzipSync(zip))) {
    if (!skip.includes(name)) await writeFile(join(dir, name), data);
  }
  const module = (await import(pathToFileURL(join(dir, "index.mjs")).href)) as { handler: ViewerRequestHandler };
  return module.handler;
}

describe("packageEdgeFunction", () => {
  it("gives byte-identical zips, and the same sha256, for the same config", async () => {
    const first = await packageEdgeFunction(rawConfig);
    const second = await packageEdgeFunction(structuredClone(rawConfig));
    expect(Buffer.from(second.zip).equals(Buffer.from(first.zip))).toBe(true);
    expect(second.sha256Base64).toBe(first.sha256Base64);
  });

  it("reports Lambda's CodeSha256: base64 of the sha256 of the zip bytes", async () => {
    const result = await packageEdgeFunction(rawConfig, { bundle });
    expect(result.sha256Base64).toBe(createHash("sha256").update(result.zip).digest("base64"));
    expect(result.handler).toBe("index.handler");
  });

  it("does not depend on the local timezone", async () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = "UTC";
      const utc = await packageEdgeFunction(rawConfig, { bundle });
      process.env.TZ = "Pacific/Chatham";
      const chatham = await packageEdgeFunction(rawConfig, { bundle });
      process.env.TZ = "America/Los_Angeles";
      const losAngeles = await packageEdgeFunction(rawConfig, { bundle });
      expect(chatham.sha256Base64).toBe(utc.sha256Base64);
      expect(losAngeles.sha256Base64).toBe(utc.sha256Base64);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("gives a different zip for a different config", async () => {
    const base = await packageEdgeFunction(rawConfig, { bundle });
    const otherGroup = await packageEdgeFunction({ ...rawConfig, requiredGroups: ["teachers"] }, { bundle });
    expect(otherGroup.sha256Base64).not.toBe(base.sha256Base64);
  });

  it("fills in defaults, so an explicit default and an omitted one package the same", async () => {
    const minimal = { issuer, clientIds: [clientId], requiredGroups: [requiredGroup], jwks: rawConfig.jwks };
    expect((await packageEdgeFunction(minimal, { bundle })).sha256Base64).toBe((await packageEdgeFunction(rawConfig, { bundle })).sha256Base64);
  });

  it("holds exactly index.mjs and config.json, sorted, with the validated config", async () => {
    const result = await packageEdgeFunction(rawConfig, { bundle });
    const files = unzipSync(result.zip);
    expect(Object.keys(files)).toEqual(["config.json", "index.mjs"]);
    expect(JSON.parse(new TextDecoder().decode(files["config.json"]))).toEqual(rawConfig);
  });

  it("refuses a bad config with every bad field named, and builds nothing", async () => {
    const bad = { ...rawConfig, issuer: `${issuer}/`, clientIds: [], tokenUse: "refresh", jwks: { keys: [{ ...testKeys().signing.jwk, alg: "HS256" }] }, extra: true };
    const error = await packageEdgeFunction(bad, {
      get bundle(): Uint8Array {
        throw new Error("the bundle must not be touched for a bad config");
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EdgeConfigError);
    const paths = (error as EdgeConfigError).issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(["issuer", "clientIds", "tokenUse", "jwks.keys[0].alg", "(config)"]));
    expect((error as Error).message).toMatch(/^invalid edge config:\n {2}- /);
  });

  it.each([
    ["a key under 2048 bits", { jwks: { keys: [{ kty: "RSA", kid: "small", n: Buffer.alloc(128, 0xff).toString("base64url"), e: "AQAB" }] } }, "jwks.keys[0].n"],
    ["a client id with a dot", { clientIds: ["a.b"] }, "clientIds[0]"],
    ["an http issuer", { issuer: issuer.replace("https", "http") }, "issuer"],
    ["a repeated kid", { jwks: { keys: [testKeys().signing.jwk, testKeys().signing.jwk] } }, "jwks.keys"],
    ["a negative tolerance", { clockToleranceSeconds: -1 }, "clockToleranceSeconds"],
    ["no token source", { tokenSources: [] }, "tokenSources"],
    ["a jwksUri that is not a URL", { jwksUri: "jwks.json" }, "jwksUri"],
  ])("refuses %s", async (_name, override, path) => {
    const error = await packageEdgeFunction({ ...rawConfig, ...override }, { bundle }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EdgeConfigError);
    expect((error as EdgeConfigError).issues.map((issue) => issue.path)).toContain(path);
  });
});

describe("the cors section of config.json", () => {
  it("is optional, and gets its defaults filled in: no credentials, a 600 s preflight cache", () => {
    expect(parseEdgeConfig(rawConfig)).not.toHaveProperty("cors");
    expect(parseEdgeConfig({ ...rawConfig, cors: { allowedOrigins: [appOrigin] } }).cors).toEqual({
      allowedOrigins: [appOrigin],
      allowCredentials: false,
      maxAgeSeconds: 600,
    });
  });

  it.each([
    "https://app.example.com",
    "https://app.example.com:8443",
    "https://xn--bcher-kva.example",
    "https://10.0.0.1:65535",
    "https://localhost",
    "https://[::1]:8443",
    "http://localhost:5173",
    "http://127.0.0.1",
    "http://[::1]:3000",
  ])("accepts the origin %s", (origin) => {
    expect(isAllowableOrigin(origin)).toBe(true);
  });

  it.each([
    ["a path", "https://app.example.com/app"],
    ["a trailing slash", "https://app.example.com/"],
    ["a query", "https://app.example.com?x"],
    ["a wildcard", "https://*.example.com"],
    ["the wildcard alone", "*"],
    ["capitals", "https://App.example.com"],
    ["the default https port", "https://app.example.com:443"],
    ["the default http port", "http://localhost:80"],
    ["port 0", "https://app.example.com:0"],
    ["a port over 65535", "https://app.example.com:65536"],
    ["a port with a leading zero", "https://app.example.com:08443"],
    ["plain http to a public host", "http://app.example.com"],
    ["plain http to another loopback address", "http://127.0.0.2"],
    ["no scheme", "app.example.com"],
    ["another scheme", "ftp://app.example.com"],
    ["user info", "https://user@app.example.com"],
    ["a trailing dot", "https://app.example.com."],
    ["an IPv6 address other than [::1]", "https://[2001:db8::1]"],
    ["null", "null"],
    ["an empty string", ""],
    ["a unicode host", "https://bücher.example"],
    ["surrounding space", " https://app.example.com"],
  ])("refuses an origin with %s", (_what, origin) => {
    expect(isAllowableOrigin(origin)).toBe(false);
  });

  it.each([
    ["no origins", { allowedOrigins: [] }, "cors.allowedOrigins"],
    ["21 origins", { allowedOrigins: Array.from({ length: 21 }, (_, i) => `https://app${i}.example.com`) }, "cors.allowedOrigins"],
    ["a repeated origin", { allowedOrigins: [appOrigin, appOrigin] }, "cors.allowedOrigins"],
    ["a bad second origin", { allowedOrigins: [appOrigin, "https://app.example.com/"] }, "cors.allowedOrigins[1]"],
    ["credentials that are not a boolean", { allowedOrigins: [appOrigin], allowCredentials: "yes" }, "cors.allowCredentials"],
    ["a max age over a day", { allowedOrigins: [appOrigin], maxAgeSeconds: 86_401 }, "cors.maxAgeSeconds"],
    ["a negative max age", { allowedOrigins: [appOrigin], maxAgeSeconds: -1 }, "cors.maxAgeSeconds"],
    ["an unknown member", { allowedOrigins: [appOrigin], allowedMethods: ["PUT"] }, "cors"],
  ])("refuses %s", async (_name, cors, path) => {
    const error = await packageEdgeFunction({ ...rawConfig, cors }, { bundle }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EdgeConfigError);
    expect((error as EdgeConfigError).issues.map((issue) => issue.path)).toContain(path);
  });

  it("changes the package when it changes", async () => {
    const without = await packageEdgeFunction(rawConfig, { bundle });
    const withCors = await packageEdgeFunction({ ...rawConfig, cors: { allowedOrigins: [appOrigin] } }, { bundle });
    const withCredentials = await packageEdgeFunction({ ...rawConfig, cors: { allowedOrigins: [appOrigin], allowCredentials: true } }, { bundle });
    expect(new Set([without.sha256Base64, withCors.sha256Base64, withCredentials.sha256Base64]).size).toBe(3);
  });
});

describe("the bundle", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The deployed bundle logs with console.log, one JSON object per line; capture those lines. */
  function captureLogLines(): string[] {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    return lines;
  }

  it(`stays within the ${bundleBudgetBytes}-byte budget and imports nothing but node builtins`, () => {
    expect(bundle.length).toBeLessThanOrEqual(bundleBudgetBytes);
    const text = new TextDecoder().decode(bundle);
    const imports = [...text.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)"([^"]+)"/g)].map((match) => match[1]);
    expect(imports.every((specifier) => specifier?.startsWith("node:"))).toBe(true);
    const builtins = [...text.matchAll(/getBuiltinModule\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(builtins.sort()).toEqual(["node:crypto", "node:fs"]);
    expect(text).not.toMatch(/zod|jose/);
  });

  it("is the same bytes on every build", async () => {
    expect(Buffer.from(await buildEdgeBundle()).equals(Buffer.from(bundle))).toBe(true);
  });

  it("works as deployed: unzipped beside its config.json, it allows a member and denies others", async () => {
    const handler = await deploy((await packageEdgeFunction(rawConfig, { bundle })).zip);
    const lines = captureLogLines();
    const allowed = await handler(bearer(validIdToken({ exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) })));
    expect(allowed).not.toHaveProperty("status");
    expect(allowed).not.toHaveProperty("headers.authorization");
    expect(await handler(viewerRequest())).toMatchObject({ status: "401" });
    expect(await handler(bearer(validIdToken({ exp: Math.floor(Date.now() / 1000) + 600, "cognito:groups": [] })))).toMatchObject({ status: "403" });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toMatchObject([
      { msg: "request denied", reason: "no_token", status: 401 },
      { msg: "request denied", reason: "not_in_group", status: 403, source: "authorizationHeader" },
    ]);
  });

  it("works as deployed with CORS: answers a preflight with 204 and lets the app read a 401", async () => {
    const handler = await deploy((await packageEdgeFunction({ ...rawConfig, cors: { allowedOrigins: [appOrigin] } }, { bundle })).zip);
    captureLogLines();
    expect(await handler(preflight())).toMatchObject({
      status: "204",
      headers: { "access-control-allow-origin": [{ value: appOrigin }], "access-control-allow-headers": [{ value: "authorization, range" }] },
    });
    expect(await handler(viewerRequest({ origin: appOrigin }))).toMatchObject({ status: "401", headers: { "access-control-allow-origin": [{ value: appOrigin }] } });
  });

  it("fails closed with 500 when config.json is missing", async () => {
    const lines = captureLogLines();
    const handler = await deploy((await packageEdgeFunction(rawConfig, { bundle })).zip, ["config.json"]);
    expect(await handler(bearer(validIdToken()))).toMatchObject({ status: "500" });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toMatchObject([
      { level: "error", msg: "config unusable, denying every request" },
      { msg: "request denied", reason: "internal_error", status: 500 },
    ]);
  });
});
