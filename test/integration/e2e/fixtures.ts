// The end-to-end setup: a public bucket of course content, a Cognito pool with members of two groups, the real
// operator in-process, the example-shaped SecuredContentBucket applied until Ready, and the edge emulator
// serving its distribution. Plus the tokens a viewer might present, good and bad.
import { request as httpRequest } from "node:http";
import { generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import { startEdgeEmulator, type EdgeEmulator } from "../../edge-emulator/server.ts";
import { courseContent, createEdgeRole, createPublicContentBucket } from "../../harness/aws-seed.ts";
import { seedUserPool, type SeededPool } from "../../harness/cognito.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";
import { startTestOperator, useEmulator, type TestOperator } from "../reconcile/operator.ts";

export const namespace = "e2e";
export const name = "courses";
export const bucket = "e2e-courses-content";

export interface EndToEnd {
  readonly pool: SeededPool;
  readonly operator: TestOperator;
  readonly emulator: EdgeEmulator;
  readonly distributionId: string;
  /** Everything the edge function has written (its CloudWatch log). */
  readonly functionLog: string[];
  stop(): Promise<void>;
}

interface ResourceState {
  readonly generation: number;
  readonly observedGeneration?: number;
  readonly ready: boolean;
  readonly distributionId?: string;
}

export async function resourceState(env: HarnessEnv): Promise<ResourceState> {
  const object = JSON.parse(await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "json"])) as {
    metadata: { generation: number };
    status?: { observedGeneration?: number; distribution?: { id?: string }; conditions?: { type: string; status: string }[] };
  };
  const status = object.status ?? {};
  return {
    generation: object.metadata.generation,
    ready: (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    ...(status.observedGeneration === undefined ? {} : { observedGeneration: status.observedGeneration }),
    ...(status.distribution?.id === undefined ? {} : { distributionId: status.distribution.id }),
  };
}

/** Waits until the resource is Ready for its current spec (observedGeneration caught up). */
export function waitForCurrentReady(env: HarnessEnv): Promise<ResourceState> {
  return waitFor(
    async () => {
      const state = await resourceState(env);
      return state.ready && state.observedGeneration === state.generation ? state : undefined;
    },
    { what: `${namespace}/${name} to be Ready for its current generation`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** `extraSpec` adds spec fields (cors, export) for suites that need them; the end-to-end suite itself adds none. */
export async function applyResource(env: HarnessEnv, pool: SeededPool, requiredGroups: readonly string[], extraSpec: Readonly<Record<string, unknown>> = {}): Promise<void> {
  await kubectl(env, ["apply", "-f", "-"], {
    input: JSON.stringify({
      apiVersion: "securedcontent.io/v1alpha1",
      kind: "SecuredContentBucket",
      metadata: { name, namespace },
      spec: {
        bucket: { name: bucket, region: "us-east-1" },
        auth: { userPoolId: pool.userPoolId, clientIds: [pool.clientId], requiredGroups, tokenUse: "id", tokenSources: ["authorizationHeader", "cookie"] },
        distribution: { cachePolicy: "CachingOptimized", comment: "end-to-end" },
        deletionPolicy: "Delete",
        ...extraSpec,
      },
    }),
  });
}

export async function startEndToEnd(env: HarnessEnv, extraSpec: Readonly<Record<string, unknown>> = {}): Promise<EndToEnd> {
  const restore = useEmulator(env);
  await installCrd(env);
  // Applied, not created: another suite (the browser tests) may have used the namespace before, and namespaces
  // are never deleted here (the harness runs no namespace controller to finish a deletion).
  await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }) });
  const pool = await seedUserPool(env, {
    poolName: "e2e",
    groups: ["paid-students", "teaching-assistants"],
    users: [
      { username: "member", groups: ["paid-students"] },
      { username: "visitor", groups: [] },
      { username: "assistant", groups: ["teaching-assistants"] },
    ],
  });
  await createPublicContentBucket(env, bucket, courseContent());
  const edgeRoleArn = await createEdgeRole(env);
  const operator = await startTestOperator(env, { edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 300 });
  const functionLog: string[] = [];
  let started: { distributionId: string; emulator: EdgeEmulator };
  try {
    await applyResource(env, pool, ["paid-students"], extraSpec);
    const { distributionId } = await waitForCurrentReady(env);
    if (distributionId === undefined) throw new Error("a Ready resource without a distribution id");
    started = { distributionId, emulator: await startEdgeEmulator({ env, distributionId, functionLog: (line) => functionLog.push(line) }) };
  } catch (error) {
    await operator.stop();
    restore();
    throw error;
  }
  const { distributionId, emulator } = started;
  return {
    pool,
    operator,
    emulator,
    distributionId,
    functionLog,
    stop: async () => {
      await emulator.stop();
      await operator.stop();
      restore();
    },
  };
}

/** The same claims, signed by a key the pool never had, under the pool key's kid. */
export async function forgedWithOtherKey(token: string): Promise<string> {
  const { privateKey } = await generateKeyPair("RS256");
  const header = decodeProtectedHeader(token);
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ ...header, alg: "RS256" }).sign(privateKey);
}

/** The pool's signature over claims changed after signing (here: the groups). */
export function withTamperedClaims(token: string, changes: Readonly<Record<string, unknown>>): string {
  const [header = "", , signature = ""] = token.split(".");
  const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token), ...changes })).toString("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The Amplify cookie the edge function reads for an ID token. */
export function tokenCookie(clientId: string, username: string, idToken: string): string {
  return `CognitoIdentityServiceProvider.${clientId}.${username}.idToken=${idToken}`;
}

/** A GET through node:http, which sends headers exactly as given: a chosen Host, a header repeated. */
export function rawGet(url: string, headers: Readonly<Record<string, string | string[]>>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { headers, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => { resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }); });
      response.on("error", reject);
    });
    outgoing.on("timeout", () => { outgoing.destroy(new Error("no answer within 10 s")); });
    outgoing.on("error", reject);
    outgoing.end();
  });
}
