// Key hygiene at the edge: weak RSA exponents refused wherever a key enters (baked, fetched, packaged); the
// fallback fetch's body capped while it streams; fetched keys expire.
import { createPublicKey, verify } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { EdgeConfigError, parseEdgeConfig } from "../../../edge-auth/package/config-schema.ts";
import { createHandler, type LogEntry } from "../../../edge-auth/src/handler.ts";
import { importRsaJwk } from "../../../edge-auth/src/keys.ts";
import { bearer, fixedNowMs, forgeWithExponentOne, idClaims, signToken, testConfig, testKeys } from "./fixtures.ts";
import { loopbackServer, type LoopbackServer } from "./loopback.ts";

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

describe("the fallback fetch", () => {
  const { rotated } = testKeys();
  const rotatedToken = () => signToken({ kid: rotated.kid, alg: "RS256" }, idClaims(), rotated);

  it("gives up on an endless JWKS answer at the size limit, without waiting for the timeout, and denies", async () => {
    let sent = 0;
    let closed = false;
    const server = await loopbackServer((_req, res) => {
      res.on("close", () => {
        closed = true;
      });
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      // Bounded, and respecting backpressure: what is sent is what the client drains plus the socket buffers.
      const pump = (): void => {
        while (!res.destroyed && sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
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
    for (let i = 0; i < 100 && !closed; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(true);
    // Sent: what was read (64 KB and a chunk) plus what the loopback socket buffers held, a few MB; not all 64 MiB.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
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
