// Key hygiene at the edge: weak RSA exponents refused wherever a key enters (baked, fetched, packaged).
import { createPublicKey, verify } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { EdgeConfigError, parseEdgeConfig } from "../../../edge-auth/package/config-schema.ts";
import { createHandler, type LogEntry } from "../../../edge-auth/src/handler.ts";
import { importRsaJwk } from "../../../edge-auth/src/keys.ts";
import { bearer, fixedNowMs, forgeWithExponentOne, idClaims, testConfig, testKeys } from "./fixtures.ts";
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
