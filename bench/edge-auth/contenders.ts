// The verifiers compared, each set up once (keys imported, JWKS cached) and then asked to accept the same token.
import { verify as cryptoVerify } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { createVerifier as createFastJwtVerifier } from "fast-jwt";
import { createLocalJWKSet, jwtVerify } from "jose";
import jsonwebtoken from "jsonwebtoken";
import jwkToPem from "jwk-to-pem";
import { clientId, issuer, requiredGroup, userPoolId, viewerRequestEvent, type BenchFixture } from "./fixture.ts";

export interface Contender {
  readonly label: string;
  readonly name: string;
  /** One verification; throws or returns false when the token is not accepted. */
  readonly verify: () => unknown;
}

function assertMember(payload: Record<string, unknown>): boolean {
  const groups = payload["cognito:groups"];
  if (payload.token_use !== "id" || !Array.isArray(groups) || !groups.includes(requiredGroup)) throw new Error("not a member");
  return true;
}

async function importHandler(deployDir: string): Promise<(event: object) => Promise<unknown>> {
  const module = (await import(pathToFileURL(join(deployDir, "index.mjs")).href)) as { handler: (event: object) => Promise<unknown> };
  return module.handler;
}

export async function createContenders(fixture: BenchFixture): Promise<Contender[]> {
  const { token, jwk, publicKey } = fixture;
  const handler = await importHandler(fixture.deployDir);
  const event = viewerRequestEvent(token);
  const pem = jwkToPem({ kty: "RSA", n: jwk.n, e: jwk.e });
  const cognitoVerifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId, groups: requiredGroup });
  const plainJwk = { kty: "RSA", kid: jwk.kid, n: jwk.n, e: jwk.e, alg: "RS256", use: "sig" };
  cognitoVerifier.cacheJwks({ keys: [plainJwk] });
  const joseKeys = createLocalJWKSet({ keys: [plainJwk] });
  const fastJwt = createFastJwtVerifier({ key: pem, algorithms: ["RS256"], allowedIss: issuer, allowedAud: clientId, cache: false });
  const lastDot = token.lastIndexOf(".");
  const signingInput = Buffer.from(token.slice(0, lastDot));
  const signature = Buffer.from(token.slice(lastDot + 1), "base64url");

  return [
    {
      label: "a",
      name: "this handler (packaged bundle, whole viewer-request event)",
      verify: async () => {
        const result = (await handler(event)) as Record<string, unknown>;
        if ("status" in result) throw new Error(`handler denied: ${String(result.status)}`);
        return true;
      },
    },
    {
      label: "b",
      // What the Lambda@Edge function of "Authenticated Access to S3 with Amazon Cognito" (Simple AWS) uses.
      name: "jsonwebtoken + jwk-to-pem, as in the Simple AWS article (PEM cached)",
      verify: () => assertMember(jsonwebtoken.verify(token, pem, { algorithms: ["RS256"], issuer, audience: clientId }) as Record<string, unknown>),
    },
    {
      label: "c",
      name: "aws-jwt-verify CognitoJwtVerifier.verifySync (JWKS cached)",
      verify: () => cognitoVerifier.verifySync(token),
    },
    {
      label: "d",
      name: "jose jwtVerify (local JWKS)",
      verify: async () =>
        assertMember((await jwtVerify(token, joseKeys, { issuer, audience: clientId, algorithms: ["RS256"], requiredClaims: ["exp"] })).payload),
    },
    {
      label: "e",
      name: "raw crypto.verify of the same signature (the floor)",
      verify: () => {
        if (!cryptoVerify("sha256", signingInput, publicKey, signature)) throw new Error("bad signature");
        return true;
      },
    },
    {
      label: "f",
      name: "fast-jwt createVerifier (no cache)",
      verify: () => assertMember(fastJwt(token) as Record<string, unknown>),
    },
  ];
}
