// The benchmark's world: one pool key, its JWKS, a packaged edge function, and a valid member's ID token.
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { packageEdgeFunction, type EdgePackage } from "../../edge-auth/package/package-edge-function.ts";
import type { RsaJwk } from "../../edge-auth/src/config.ts";

export const region = "us-east-1";
export const userPoolId = "us-east-1_BenchPool1";
export const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
export const clientId = "5bench0client0id0abcdefghi";
export const requiredGroup = "paid-students";

export interface BenchFixture {
  readonly publicKey: KeyObject;
  readonly jwk: RsaJwk;
  readonly token: string;
  readonly edgePackage: EdgePackage;
  /** Directory holding the unzipped package: index.mjs beside config.json, as Lambda lays it out. */
  readonly deployDir: string;
}

function base64url(text: string | Uint8Array): string {
  return Buffer.from(text).toString("base64url");
}

export async function createFixture(): Promise<BenchFixture> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const exported = publicKey.export({ format: "jwk" });
  const jwk: RsaJwk = { kty: "RSA", kid: "bench-key-1", n: String(exported.n), e: String(exported.e), alg: "RS256", use: "sig" };
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: "3f1c2b4a-0000-4000-8000-000000000001",
    "cognito:groups": [requiredGroup],
    iss: issuer,
    "cognito:username": "alice",
    origin_jti: "d0a8-4c1e",
    aud: clientId,
    event_id: "0b6e0d5c-1111-4111-8111-111111111111",
    token_use: "id",
    auth_time: now,
    exp: now + 3600,
    iat: now,
    jti: "a1b2-c3d4",
    email: "alice@example.com",
  };
  const signingInput = `${base64url(JSON.stringify({ kid: jwk.kid, alg: "RS256" }))}.${base64url(JSON.stringify(claims))}`;
  const token = `${signingInput}.${base64url(sign("sha256", Buffer.from(signingInput), privateKey))}`;
  const edgePackage = await packageEdgeFunction(
    {
    issuer,
    clientIds: [clientId],
    requiredGroups: [requiredGroup],
    jwks: { keys: [jwk] },
    // Present so the cold-start run can show that a known kid never touches it: nothing listens on port 9.
    // A loopback URL, so the packager's pin to Cognito's host is lifted, as for local development.
    jwksUri: "http://127.0.0.1:9/jwks.json",
    },
    { allowInsecureJwksUri: true },
  );
  const deployDir = await mkdtemp(join(tmpdir(), "edge-auth-bench-"));
  for (const [name, data] of Object.entries(unzipSync(edgePackage.zip))) await writeFile(join(deployDir, name), data);
  return { publicKey, jwk, token, edgePackage, deployDir };
}

/** A viewer-request event carrying the token, as CloudFront builds it. */
export function viewerRequestEvent(token: string): object {
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: "viewer-request", requestId: "bench" },
          request: {
            clientIp: "203.0.113.178",
            method: "GET",
            uri: "/courses/intro/segment-001.ts",
            querystring: "",
            headers: {
              host: [{ key: "Host", value: "d111111abcdef8.cloudfront.net" }],
              authorization: [{ key: "Authorization", value: `Bearer ${token}` }],
            },
          },
        },
      },
    ],
  };
}
