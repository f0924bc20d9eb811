import { generateKeyPairSync } from "node:crypto";
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { isPermanent } from "../../../src/errors.ts";
import { fetchJwks, JwksCache, JwksInvalidError, JwksUnavailableError, jwksUrl, pinnedJwksUrl, userPoolJwks, validateJwks } from "../../../src/reconcile/edge-function/jwks.ts";
import { makeKey } from "../edge-auth/fixtures.ts";
import { loopbackServer, type LoopbackServer } from "../edge-auth/loopback.ts";

const signing = makeKey("signing-1").jwk;
const rotated = makeKey("signing-2").jwk;
const servers: LoopbackServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function json(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Serves whatever `current()` returns as the JWKS. */
async function jwksServer(current: () => unknown): Promise<LoopbackServer> {
  const server = await loopbackServer((_req, res) => {
    json(res, current());
  });
  servers.push(server);
  return server;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("jwksUrl", () => {
  it("fills the region from the user pool id's prefix, and the pool id", () => {
    const template = "https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json";
    expect(jwksUrl(template, "eu-west-2_AbC123")).toBe("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123/.well-known/jwks.json");
    expect(jwksUrl("http://127.0.0.1:5000/{userPoolId}/.well-known/jwks.json", "us-east-1_X")).toBe("http://127.0.0.1:5000/us-east-1_X/.well-known/jwks.json");
  });
});

describe("validateJwks", () => {
  const url = "https://example.test/jwks.json";

  it("keeps only the public members kty, kid, alg, use, n and e", () => {
    const withExtras = { ...signing, x5c: ["MIIB..."], key_ops: ["verify"], ext: true };
    const jwks = validateJwks(url, { keys: [withExtras, rotated] });
    expect(jwks.keys).toEqual([signing, rotated]);
    expect(Object.keys(jwks.keys[0] ?? {}).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
  });

  it("accepts keys without alg or use, and bakes them without", () => {
    const bare = { kty: "RSA", kid: signing.kid, n: signing.n, e: signing.e };
    const jwks = validateJwks(url, { keys: [bare] });
    expect(jwks.keys).toEqual([bare]);
  });

  it.each([
    ["a 1024-bit key", { keys: [makeKey("short", 1024).jwk] }, /1024-bit modulus; at least 2048/],
    ["an EC key", { keys: [{ ...generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }), kid: "ec" }] }, /kty is EC/],
    ["alg HS256", { keys: [{ ...signing, alg: "HS256" }] }, /alg is HS256; only RS256/],
    ["an encryption key", { keys: [{ ...signing, use: "enc" }] }, /use is enc/],
    ["private key material", { keys: [{ ...signing, d: "AQAB" }] }, /private key material/],
    ["a key without n", { keys: [{ kty: "RSA", kid: "x", e: "AQAB" }] }, /lacks n or e/],
    ["a modulus that is not base64url", { keys: [{ ...signing, n: "ab+/" }] }, /not base64url/],
    ["a modulus of zeros", { keys: [{ ...signing, n: "AAAA" }] }, /modulus|importable/],
    ["the public exponent 1, under which a forged signature verifies", { keys: [{ ...signing, e: "AQ" }] }, /public exponent 1; only 65537 \(AQAB\)/],
    ["the public exponent 3", { keys: [{ ...signing, e: "Aw" }] }, /public exponent 3; only 65537/],
    ["a repeated kid", { keys: [signing, { ...rotated, kid: signing.kid }] }, /appears twice/],
    ["no keys", { keys: [] }, /no keys/],
    ["eleven keys", { keys: Array.from({ length: 11 }, (_, i) => ({ ...signing, kid: `k${i}` })) }, /11 keys; at most 10/],
    ["a document without keys", { issuer: "x" }, /not a JWKS/],
    ["a key that is not a JWK", { keys: ["nope"] }, /key 0 is not a JWK/],
  ])("rejects %s, naming the key and the reason", (_name, document, message) => {
    const error = thrown(() => validateJwks(url, document));
    expect(error).toBeInstanceOf(JwksInvalidError);
    expect(isPermanent(error)).toBe(true);
    expect((error as JwksInvalidError).reason).toBe("JwksInvalid");
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(url);
  });

  it("rejects the whole set when one key of several is bad", () => {
    const error = thrown(() => validateJwks(url, { keys: [signing, makeKey("short", 1024).jwk] }));
    expect((error as Error).message).toMatch(/key 1 \(kid short\)/);
  });
});

describe("fetchJwks", () => {
  it("fetches, validates and returns the keys from a loopback server", async () => {
    const server = await jwksServer(() => ({ keys: [signing] }));
    await expect(fetchJwks(server.url)).resolves.toEqual({ keys: [signing] });
    expect(server.requests()).toBe(1);
  });

  it("calls a 404 invalid (terminal), saying the pool may not exist", async () => {
    const server = await loopbackServer((_req, res) => {
      json(res, { message: "User pool us-east-1_AbCdEf123 does not exist." }, 404);
    });
    servers.push(server);
    const error = await rejection(fetchJwks(server.url));
    expect(error).toBeInstanceOf(JwksInvalidError);
    expect((error as Error).message).toMatch(/HTTP 404: the user pool does not exist, or COGNITO_JWKS_URL_TEMPLATE is wrong/);
  });

  it.each([503, 429])("calls HTTP %i unavailable (retryable)", async (status) => {
    const server = await loopbackServer((_req, res) => {
      json(res, {}, status);
    });
    servers.push(server);
    const error = await rejection(fetchJwks(server.url));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(isPermanent(error)).toBe(false);
  });

  it("calls a refused connection unavailable", async () => {
    const error = await rejection(fetchJwks("http://127.0.0.1:1/jwks.json"));
    expect(error).toBeInstanceOf(JwksUnavailableError);
  });

  it("rejects a body that is not JSON", async () => {
    const server = await loopbackServer((_req, res) => {
      res.end("<html>hello</html>");
    });
    servers.push(server);
    await expect(fetchJwks(server.url)).rejects.toThrow(/not JSON/);
  });

  it("refuses an oversize body by its content-length", async () => {
    const server = await jwksServer(() => ({ keys: [signing], padding: "x".repeat(70_000) }));
    const error = await rejection(fetchJwks(server.url));
    expect(error).toBeInstanceOf(JwksInvalidError);
    expect((error as Error).message).toMatch(/bytes; at most 65536/);
  });

  it("stops reading an oversize body sent without a content-length", async () => {
    const server = await loopbackServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(16_384);
      for (let i = 0; i < 3; i += 1) res.write(chunk);
      res.end(`${chunk}"}`);
    });
    servers.push(server);
    const error = await rejection(fetchJwks(server.url, { timeoutMs: 5_000, maxBytes: 40_000 }));
    expect(error).toBeInstanceOf(JwksInvalidError);
    expect((error as Error).message).toMatch(/over 40000 bytes/);
  });

  it("gives up on a server that never answers, within the timeout", async () => {
    const server = await loopbackServer(() => {
      // never answers
    });
    servers.push(server);
    const started = performance.now();
    const error = await rejection(fetchJwks(server.url, { timeoutMs: 200, maxBytes: 65_536 }));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect((error as Error).message).toMatch(/within 200 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe("JwksCache", () => {
  it("shares one fetch among 100 concurrent reconciles of CRs on one pool", async () => {
    const server = await jwksServer(() => ({ keys: [signing] }));
    const cache = new JwksCache();
    const all = await Promise.all(Array.from({ length: 100 }, () => cache.get(server.url)));
    expect(all.every((jwks) => jwks.keys[0]?.kid === signing.kid)).toBe(true);
    expect(server.requests()).toBe(1);
  });

  it("reuses the keys within the TTL and sees rotated keys after it", async () => {
    let keys = [signing];
    const server = await jwksServer(() => ({ keys }));
    let now = 1_000_000;
    const cache = new JwksCache({ ttlMs: 60_000, now: () => now });
    await cache.get(server.url);
    keys = [signing, rotated];
    now += 59_000;
    expect((await cache.get(server.url)).keys).toHaveLength(1);
    now += 1_000;
    expect((await cache.get(server.url)).keys.map((key) => key.kid)).toEqual([signing.kid, rotated.kid]);
    expect(server.requests()).toBe(2);
  });

  it("does not cache failures", async () => {
    let fail = true;
    const server = await loopbackServer((_req, res) => {
      json(res, fail ? {} : { keys: [signing] }, fail ? 503 : 200);
    });
    servers.push(server);
    const cache = new JwksCache();
    await expect(cache.get(server.url)).rejects.toBeInstanceOf(JwksUnavailableError);
    fail = false;
    await expect(cache.get(server.url)).resolves.toEqual({ keys: [signing] });
  });

  it("lets one caller stop waiting without failing the others", async () => {
    const server = await jwksServer(() => ({ keys: [signing] }));
    const cache = new JwksCache();
    const controller = new AbortController();
    const abandoned = cache.get(server.url, controller.signal);
    const other = cache.get(server.url);
    controller.abort(new Error("reconcile cancelled"));
    await expect(abandoned).rejects.toThrow("reconcile cancelled");
    await expect(other).resolves.toEqual({ keys: [signing] });
  });

  it("resolves a pool's keys through the URL template", async () => {
    const server = await jwksServer(() => ({ keys: [signing] }));
    const template = server.url.replace("us-east-1_AbCdEf123", "{userPoolId}");
    const result = await userPoolJwks({ jwksUrlTemplate: template, allowInsecureJwksUrl: true }, "us-east-1_AbCdEf123", undefined, new JwksCache());
    expect(result).toEqual({ url: server.url, jwks: { keys: [signing] } });
  });

  it("refuses, before any fetch, a URL other than the pool's JWKS on Cognito's host over https unless development allows it", async () => {
    const server = await jwksServer(() => ({ keys: [signing] }));
    const loopback = server.url.replace("us-east-1_AbCdEf123", "{userPoolId}");
    for (const template of [loopback, "https://keys.example.com/{userPoolId}/.well-known/jwks.json", "http://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json"]) {
      const error = await rejection(userPoolJwks({ jwksUrlTemplate: template, allowInsecureJwksUrl: false }, "us-east-1_AbCdEf123", undefined, new JwksCache()));
      expect(error).toBeInstanceOf(JwksInvalidError);
      expect((error as Error).message).toMatch(
        /not Cognito's JWKS URL for the pool \(https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_AbCdEf123\/\.well-known\/jwks\.json\)/,
      );
    }
    expect(server.requests()).toBe(0);
  });

  it("accepts Cognito's own URL for the pool's region", () => {
    const settings = { jwksUrlTemplate: "https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json", allowInsecureJwksUrl: false };
    expect(pinnedJwksUrl(settings, "eu-central-1_Xyz9")).toBe("https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Xyz9/.well-known/jwks.json");
  });
});

describe("the operator's JWKS fetch", () => {
  it("refuses to follow a redirect, even to a server that would answer with keys", async () => {
    const target = await jwksServer(() => ({ keys: [signing] }));
    const redirecting = await loopbackServer((_req, res) => {
      res.writeHead(302, { location: target.url }).end();
    });
    servers.push(redirecting);
    const error = await rejection(fetchJwks(redirecting.url));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect((error as Error).message).toMatch(/redirect/);
    expect(redirecting.requests()).toBe(1);
    expect(target.requests()).toBe(0);
  });
});
