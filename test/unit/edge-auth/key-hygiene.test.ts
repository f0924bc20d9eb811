// Key hygiene at the edge: weak RSA exponents refused wherever a key enters (baked, fetched, packaged); the
// fallback fetch's body capped while it streams; fetched keys expire.
import { createPublicKey, verify } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { EdgeConfigError, parseEdgeConfig } from "../../../edge-auth/package/config-schema.ts";
import { createHandler, type LogEntry } from "../../../edge-auth/src/handler.ts";
import { importRsaJwk } from "../../../edge-auth/src/keys.ts";
import { bearer, fixedNowMs, forgeWithExponentOne, idClaims, signToken, testConfig, testKeys } from "./fixtures.ts";
import { droppedWithinASecond, loopbackServer, streamEndlessly, type LoopbackServer } from "./loopback.ts";

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("an RSA key whose public exponent is not 65537", () => {
  const forged = forgeWithExponentOne("forged-kid", idClaims());

  it("is dangerous: under e=1 a signature made without any private key verifies", () => {
    // Why the rule exists, shown with node:crypto itself: the raw key accepts the forgery.
    const rawKey = createPublicKey({ key: { kty: "RSA", n: forged.jwk.n, e: forged.jwk.e }, format: "jwk" });
    expect(verify("sha256", Buffer.from(forged.signingInput), rawKey, forged.signature)).toBe(true);
  });

  it.each([
    ["e=1", "AQ"],
    ["e=2", "Ag"],
    ["e=3", "Aw"],
    ["e=17", "EQ"],
    ["e=2^32+1", "AQAAAAE"],
  ])("is refused by importRsaJwk: %s", (_name, e) => {
    expect(importRsaJwk({ ...testKeys().signing.jwk, e })).toBeUndefined();
  });

  it("leaves 65537 (AQAB), what Cognito publishes, accepted", () => {
    expect(testKeys().signing.jwk.e).toBe("AQAB");
    expect(importRsaJwk(testKeys().signing.jwk)).toBeDefined();
  });

  it("baked into config.json: the function refuses to start with it, so the forged token is never allowed", () => {
    const config = testConfig({ jwks: { keys: [testKeys().signing.jwk, forged.jwk] } });
    expect(() => createHandler(config, { now: () => fixedNowMs, log: () => undefined })).toThrow(/not a usable RS256 key/);
  });

  it("served by jwksUri at run time: not added, and the forged token is denied", async () => {
    const server = await loopbackServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [forged.jwk] }));
    });
    servers.push(server);
    const logs: LogEntry[] = [];
    const handler = createHandler(testConfig({ jwksUri: server.url }), { now: () => fixedNowMs, log: (entry) => logs.push(entry) });
    expect(await handler(bearer(forged.token))).toMatchObject({ status: "401" });
    expect(server.requests()).toBe(1);
    expect(logs).toEqual([
      { level: "warn", msg: "jwks fallback fetch", outcome: "no_new_keys" },
      expect.objectContaining({ msg: "request denied", reason: "unknown_kid" }),
    ]);
  });

  it("is refused by the packager, naming the member and the exponent", () => {
    const config = { issuer: testConfig().issuer, clientIds: ["abc"], requiredGroups: ["g"], jwks: { keys: [forged.jwk] } };
    expect(() => parseEdgeConfig(config)).toThrow(EdgeConfigError);
    expect(() => parseEdgeConfig(config)).toThrow(/jwks\.keys\[0\]\.e: .*it has the public exponent 1; only 65537 \(AQAB\) is accepted/);
  });
});

describe("jwksUri in the packaged config", () => {
  const cognitoUri = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json";
  const base = { issuer: testConfig().issuer, clientIds: ["abc"], requiredGroups: ["g"], jwks: { keys: [testKeys().signing.jwk] } };

  it("is accepted as the issuer's JWKS on Cognito's host over https", () => {
    expect(parseEdgeConfig({ ...base, jwksUri: cognitoUri }).jwksUri).toBe(cognitoUri);
  });

  it.each([
    ["plain http", cognitoUri.replace("https:", "http:")],
    ["loopback", "http://127.0.0.1:5000/us-east-1_AbCdEf123/.well-known/jwks.json"],
    ["another https host", "https://keys.example.com/us-east-1_AbCdEf123/.well-known/jwks.json"],
    ["a look-alike host", "https://cognito-idp.us-east-1.amazonaws.com.example.com/us-east-1_AbCdEf123/.well-known/jwks.json"],
    ["Cognito's host with credentials", "https://user@cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json"],
    ["another region's host", "https://cognito-idp.eu-west-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json"],
    ["another pool", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other/.well-known/jwks.json"],
    ["a query", `${cognitoUri}?x=1`],
  ])("is refused: %s", (_name, jwksUri) => {
    expect(() => parseEdgeConfig({ ...base, jwksUri })).toThrow(/jwksUri: must be https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_AbCdEf123\/\.well-known\/jwks\.json/);
  });

  it("is refused with an issuer that is not Cognito's, whose keys could come from anywhere", () => {
    const issuer = "https://login.example.com";
    expect(() => parseEdgeConfig({ ...base, issuer, jwksUri: `${issuer}/.well-known/jwks.json` })).toThrow(/jwksUri: is only allowed with a Cognito issuer/);
    expect(parseEdgeConfig({ ...base, issuer })).not.toHaveProperty("jwksUri");
  });

  it("may be another http(s) URL only when development explicitly allows it", () => {
    const loopback = "http://127.0.0.1:5000/us-east-1_AbCdEf123/.well-known/jwks.json";
    expect(parseEdgeConfig({ ...base, jwksUri: loopback }, { allowInsecureJwksUri: true }).jwksUri).toBe(loopback);
    expect(() => parseEdgeConfig({ ...base, jwksUri: "ftp://127.0.0.1/jwks.json" }, { allowInsecureJwksUri: true })).toThrow(/jwksUri: must be an http\(s\) URL/);
  });
});

describe("the fallback fetch", () => {
  const { rotated } = testKeys();
  const rotatedToken = () => signToken({ kid: rotated.kid, alg: "RS256" }, idClaims(), rotated);

  it("gives up on an endless JWKS answer at the size limit, without waiting for the timeout, and denies", async () => {
    const progress = { sent: 0, closed: false };
    const server = await loopbackServer((_req, res) => {
      streamEndlessly(res, progress);
    });
    servers.push(server);
    const logs: LogEntry[] = [];
    const handler = createHandler(testConfig({ jwksUri: server.url }), { now: () => fixedNowMs, log: (entry) => logs.push(entry) });
    const started = performance.now();
    expect(await handler(bearer(rotatedToken()))).toMatchObject({ status: "401" });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(logs).toEqual([
      { level: "warn", msg: "jwks fallback fetch", outcome: "invalid_body" },
      expect.objectContaining({ msg: "request denied", reason: "unknown_kid" }),
    ]);
    await expect(droppedWithinASecond(progress)).resolves.toBe(true);
    // Sent: what was read (64 KB and a chunk) plus what the loopback socket buffers held, a few MB; not all 64 MiB.
    expect(progress.sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("adds keys that are trusted for ten minutes; after that a token needs the key fetched again", async () => {
    let served = [rotated.jwk];
    const server = await loopbackServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: served }));
    });
    servers.push(server);
    const clock = { now: fixedNowMs };
    const handler = createHandler(testConfig({ jwksUri: server.url }), { now: () => clock.now, log: () => undefined });
    expect(await handler(bearer(rotatedToken()))).not.toHaveProperty("status");
    clock.now += 9 * 60_000;
    expect(await handler(bearer(rotatedToken()))).not.toHaveProperty("status");
    expect(server.requests()).toBe(1);
    // The pool withdrew the key: once the TTL has passed the container stops trusting it.
    served = [];
    clock.now = fixedNowMs + 10 * 60_000;
    expect(await handler(bearer(rotatedToken()))).toMatchObject({ status: "401" });
    expect(server.requests()).toBe(2);
  });
});
