import { describe, expect, it } from "vitest";
import { EdgeConfigError, parseEdgeConfig } from "../../../edge-auth/package/config-schema.ts";
import { packageEdgeFunction } from "../../../edge-auth/package/package-edge-function.ts";
import { parseSecuredContentBucket, type SecuredContentBucket, type SecuredContentBucketSpecInput } from "../../../src/api/index.ts";
import { cognitoIssuer, desiredEdgeConfig } from "../../../src/reconcile/edge-function/config.ts";
import type { BakedJwk, BakedJwks } from "../../../src/reconcile/edge-function/jwks.ts";
import { makeKey } from "../edge-auth/fixtures.ts";

/** A fresh RSA-2048 signing key as the JWKS validation hands it over. */
function bakedKey(kid: string, modulusLength = 2048): BakedJwk {
  const { n, e } = makeKey(kid, modulusLength).jwk;
  return { kty: "RSA", kid, alg: "RS256", use: "sig", n, e };
}

const signing = bakedKey("kid-a");
const second = bakedKey("kid-b");
const jwks: BakedJwks = { keys: [signing] };
const jwksUri = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool123/.well-known/jwks.json";
/** Any bytes do as the bundle here: the config, not the handler, is under test (and esbuild stays out). */
const bundle = new TextEncoder().encode("export const handler = () => {};\n");

function resource(auth: Partial<SecuredContentBucketSpecInput["auth"]> = {}, cors?: SecuredContentBucketSpecInput["cors"]): SecuredContentBucket {
  const parsed = parseSecuredContentBucket({
    metadata: { name: "courses", namespace: "learning", uid: "uid-1", resourceVersion: "1", generation: 1 },
    spec: {
      bucket: { name: "courses-content", region: "eu-west-1" },
      auth: { userPoolId: "eu-west-1_Pool123", clientIds: ["client1"], requiredGroups: ["paid-students"], ...auth },
      ...(cors === undefined ? {} : { cors }),
    },
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

async function sha(config: unknown): Promise<string> {
  return (await packageEdgeFunction(config, { bundle })).sha256Base64;
}

describe("desiredEdgeConfig", () => {
  it("builds config.json from the spec and the pool's keys, with the defaults spelled out", () => {
    expect(desiredEdgeConfig(resource(), jwks, jwksUri)).toEqual({
      issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool123",
      clientIds: ["client1"],
      requiredGroups: ["paid-students"],
      tokenUse: "id",
      tokenSources: ["authorizationHeader", "cookie"],
      jwks: { keys: [signing] },
      jwksUri,
      clockToleranceSeconds: 30,
    });
  });

  it("takes the issuer's region from the user pool id, not from the bucket", () => {
    expect(cognitoIssuer("ap-southeast-2_Xyz")).toBe("https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_Xyz");
  });

  it("passes access tokens and a single token source through", () => {
    const config = desiredEdgeConfig(resource({ tokenUse: "access", tokenSources: ["cookie"] }), jwks, jwksUri);
    expect(config.tokenUse).toBe("access");
    expect(config.tokenSources).toEqual(["cookie"]);
  });

  it("is exactly what the edge packager's schema accepts", () => {
    const config = desiredEdgeConfig(resource(), { keys: [signing, second] }, jwksUri);
    expect(parseEdgeConfig(config)).toEqual(config);
  });

  it("gives the same package however the spec orders its sets or the pool orders its keys", async () => {
    const one = desiredEdgeConfig(
      resource({ clientIds: ["c1", "c2"], requiredGroups: ["a", "b"], tokenSources: ["authorizationHeader", "cookie"] }),
      { keys: [signing, second] },
      jwksUri,
    );
    const other = desiredEdgeConfig(
      resource({ clientIds: ["c2", "c1"], requiredGroups: ["b", "a"], tokenSources: ["cookie", "authorizationHeader"] }),
      { keys: [second, signing] },
      jwksUri,
    );
    expect(other).toEqual(one);
    expect(await sha(other)).toBe(await sha(one));
  });

  it("gives another package when a required group or a key changes", async () => {
    const base = await sha(desiredEdgeConfig(resource(), jwks, jwksUri));
    expect(await sha(desiredEdgeConfig(resource({ requiredGroups: ["teachers"] }), jwks, jwksUri))).not.toBe(base);
    expect(await sha(desiredEdgeConfig(resource(), { keys: [signing, second] }, jwksUri))).not.toBe(base);
  });

  it("refuses, through the packager's schema, keys that were never validated", () => {
    const weak = bakedKey("weak", 1024);
    expect(() => desiredEdgeConfig(resource(), { keys: [weak] }, jwksUri)).toThrow(EdgeConfigError);
    expect(() => desiredEdgeConfig(resource(), { keys: [weak] }, jwksUri)).toThrow(/jwks\.keys\[0\]\.n: is not a usable RS256 public key \(RSA, at least 2048 bits, exponent 65537\): it has a 1024-bit modulus/);
  });

  it("bakes spec.cors in with its defaults spelled out and the origins sorted, and has no cors section without it", () => {
    // Without spec.cors, a resource keeps the config it had.
    expect(desiredEdgeConfig(resource(), jwks, jwksUri)).not.toHaveProperty("cors");
    const config = desiredEdgeConfig(resource({}, { allowedOrigins: ["https://z.example.com", "http://localhost:5173", "https://app.example.com"] }), jwks, jwksUri);
    expect(config.cors).toEqual({
      allowedOrigins: ["http://localhost:5173", "https://app.example.com", "https://z.example.com"],
      allowCredentials: false,
      maxAgeSeconds: 600,
    });
    expect(parseEdgeConfig(config)).toEqual(config);
  });

  it("gives the same package however spec.cors orders its origins, and another when the CORS settings change", async () => {
    const origins = ["https://app.example.com", "https://admin.example.com", "http://127.0.0.1:3000"];
    const one = desiredEdgeConfig(resource({}, { allowedOrigins: origins, allowCredentials: true, maxAgeSeconds: 600 }), jwks, jwksUri);
    const other = desiredEdgeConfig(resource({}, { allowedOrigins: [...origins].reverse(), allowCredentials: true }), jwks, jwksUri);
    expect(other).toEqual(one);
    expect(await sha(other)).toBe(await sha(one));
    const changed = [
      resource({}, { allowedOrigins: origins, allowCredentials: false }),
      resource({}, { allowedOrigins: origins, allowCredentials: true, maxAgeSeconds: 60 }),
      resource({}, { allowedOrigins: origins.slice(1), allowCredentials: true }),
      resource(),
    ];
    const shas = await Promise.all(changed.map(async (variant) => sha(desiredEdgeConfig(variant, jwks, jwksUri))));
    expect(new Set([await sha(one), ...shas]).size).toBe(5);
  });
});
