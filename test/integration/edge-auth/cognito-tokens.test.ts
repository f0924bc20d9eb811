// The edge authorizer against real tokens: RS256 tokens issued by the emulator's Cognito, checked by the
// packaged function exactly as it is deployed, with the pool's JWKS baked into its config.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseEdgeConfig } from "../../../edge-auth/package/config-schema.ts";
import { packageEdgeFunction } from "../../../edge-auth/package/package-edge-function.ts";
import type { CloudFrontRequestEvent, CloudFrontResultResponse } from "../../../edge-auth/src/event.ts";
import { createHandler, type ViewerRequestHandler } from "../../../edge-auth/src/handler.ts";
import { emulatorJwksUrl, seedUserPool, type SeededPool } from "../../harness/cognito.ts";

function request(headers: Record<string, string>): CloudFrontRequestEvent {
  const cfHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [{ key: name, value }]]));
  return {
    Records: [{ cf: { request: { clientIp: "203.0.113.7", method: "GET", uri: "/videos/lesson-1.mp4", querystring: "", headers: cfHeaders } } }],
  };
}

function statusOf(result: Awaited<ReturnType<ViewerRequestHandler>>): string {
  return "status" in result ? (result as CloudFrontResultResponse).status : "forwarded";
}

describe("edge authorizer with Cognito tokens from the emulator", () => {
  const env = inject("harness");
  let pool: SeededPool;
  let config: unknown;
  let handler: ViewerRequestHandler;
  let deployDir: string;

  beforeAll(async () => {
    pool = await seedUserPool(env, {
      poolName: "edge-auth",
      groups: ["paid-students", "free-students"],
      users: [
        { username: "member", groups: ["paid-students"] },
        { username: "visitor", groups: ["free-students"] },
      ],
    });
    const jwks = (await (await fetch(emulatorJwksUrl(env.awsEndpoint, pool.userPoolId))).json());
    const issuer = decodeJwt((await pool.signIn("member")).idToken).iss;
    config = {
      issuer,
      clientIds: [pool.clientId],
      requiredGroups: ["paid-students"],
      tokenUse: "id",
      tokenSources: ["authorizationHeader", "cookie"],
      jwks,
      clockToleranceSeconds: 30,
    };
    const edgePackage = await packageEdgeFunction(config);
    deployDir = await mkdtemp(join(tmpdir(), "edge-deploy-"));
    for (const [name, data] of Object.entries(unzipSync(edgePackage.zip))) await writeFile(join(deployDir, name), data);
    handler = ((await import(pathToFileURL(join(deployDir, "index.mjs")).href)) as { handler: ViewerRequestHandler }).handler;
  });

  afterAll(async () => {
    await rm(deployDir, { recursive: true, force: true });
  });

  it("forwards a group member's request, without the authorization header", async () => {
    const { idToken } = await pool.signIn("member");
    const result = await handler(request({ authorization: `Bearer ${idToken}` }));
    expect(statusOf(result)).toBe("forwarded");
    expect((result as { headers: Record<string, unknown> }).headers["authorization"]).toBeUndefined();
  });

  it("answers 403 to a signed-in user outside the required group", async () => {
    const { idToken } = await pool.signIn("visitor");
    expect(statusOf(await handler(request({ authorization: `Bearer ${idToken}` })))).toBe("403");
  });

  it("answers 401 to a token for another app client, and to an access token where an ID token is required", async () => {
    const otherClient = await pool.addClient("edge-auth-mobile");
    const other = await pool.signIn("member", otherClient);
    expect(statusOf(await handler(request({ authorization: `Bearer ${other.idToken}` })))).toBe("401");
    const { accessToken } = await pool.signIn("member");
    expect(statusOf(await handler(request({ authorization: `Bearer ${accessToken}` })))).toBe("401");
  });

  it("accepts the Amplify cookie, which is what makes <video src> work", async () => {
    const { idToken } = await pool.signIn("member");
    const cookie = `CognitoIdentityServiceProvider.${pool.clientId}.member.idToken=${idToken}; CognitoIdentityServiceProvider.${pool.clientId}.LastAuthUser=member`;
    expect(statusOf(await handler(request({ cookie })))).toBe("forwarded");
  });

  it("answers 401 once the token has expired", async () => {
    const { idToken } = await pool.signIn("member");
    const exp = decodeJwt(idToken).exp ?? 0;
    let nowMs = Date.now();
    const clocked = createHandler(parseEdgeConfig(config), { now: () => nowMs, log: () => undefined });
    expect(statusOf(await clocked(request({ authorization: `Bearer ${idToken}` })))).toBe("forwarded");
    nowMs = (exp + 31) * 1000;
    expect(statusOf(await clocked(request({ authorization: `Bearer ${idToken}` })))).toBe("401");
  });
});
