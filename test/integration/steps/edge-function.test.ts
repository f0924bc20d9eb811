// The edge-function step against the patched emulator: created once with the Lambda@Edge settings, found in
// sync with one read and no write, republished when the spec changes, old versions pruned, adopted after a
// deletion, recreated when deleted by hand, and a bad JWKS reported clearly.
// The cases run in order: they follow one function, and each starts from the versions the one before published.
//
// The deployed code is checked byte for byte without downloading it: moto's GetFunction Code.Location is not
// served (and /moto-api/data.json fails on Lambda models without Docker). The test builds the package itself
// from the spec and the JWKS it fetches, asserts that Lambda's CodeSha256 equals that zip's sha256 (so moto
// holds exactly those bytes), and reads config.json out of that zip.
import {
  DeleteFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  GetRuntimeManagementConfigCommand,
  PublishLayerVersionCommand,
  PutRuntimeManagementConfigCommand,
  TagResourceCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { unzipSync } from "fflate";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { packageEdgeFunction, type EdgePackage } from "../../../edge-auth/package/package-edge-function.ts";
import type { SecuredContentBucket } from "../../../src/api/index.ts";
import { isPermanent } from "../../../src/errors.ts";
import { desiredEdgeConfig } from "../../../src/reconcile/edge-function/config.ts";
import { fetchJwks, JwksInvalidError } from "../../../src/reconcile/edge-function/jwks.ts";
import { edgeFunctionName, ownershipTags, tagKeys } from "../../../src/reconcile/common/naming.ts";
import type { OperatorSettings, StepContext } from "../../../src/reconcile/common/context.ts";
import type { EdgeFunctionState } from "../../../src/reconcile/edge-function/desired.ts";
import { edgeBundle, ensureEdgeFunction } from "../../../src/reconcile/edge-function/ensure.ts";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { seedUserPool, type SeededPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { loopbackServer } from "../../unit/edge-auth/loopback.ts";
import { makeKey } from "../../unit/edge-auth/fixtures.ts";
import { isMutating, stepContext, stepResource, useStepClients } from "./step-fixtures.ts";

const env = inject("harness");
const clients = useStepClients(env);
const calls = clients.names;
const raw = new LambdaClient({ ...awsClientConfig(env), region: "us-east-1" });
let pool: SeededPool;
let settings: OperatorSettings;

beforeAll(async () => {
  pool = await seedUserPool(env, { poolName: "edge-step", groups: ["paid-students", "teachers"], users: [] });
  settings = {
    clusterName: "test",
    clusterUid: "9d0c5c8e-0000-4000-8000-00000000c1a5",
    edgeFunctionRoleArn: await createEdgeRole(env),
    jwksUrlTemplate: `${env.awsEndpoint}/{userPoolId}/.well-known/jwks.json`,
    allowInsecureJwksUrl: true,
    edgeRuntime: "nodejs22.x",
  };
});

afterAll(() => {
  raw.destroy();
});

function bucketResource(name: string, requiredGroups: string[], uid = `uid-${name}`): SecuredContentBucket {
  return stepResource(name, { auth: { userPoolId: pool.userPoolId, clientIds: [pool.clientId], requiredGroups }, uid });
}

function context(resource: SecuredContentBucket, overrides: Partial<OperatorSettings> = {}): StepContext {
  return stepContext(resource, clients.aws, { ...settings, ...overrides });
}

/** Runs the step and returns what it did, with the AWS operations it called. */
async function run(ctx: StepContext, referenced: readonly EdgeFunctionState[] = []) {
  const mark = calls.length;
  const outcome = await ensureEdgeFunction(ctx, { referencedVersionArns: referenced.map((state) => state.versionArn) });
  const made = calls.slice(mark);
  return { outcome, calls: made, mutating: made.filter(isMutating) };
}

/** What the test itself expects to be deployed: the same config and packager, built independently. */
async function expectedPackage(resource: SecuredContentBucket) {
  const url = `${env.awsEndpoint}/${resource.spec.auth.userPoolId}/.well-known/jwks.json`;
  return packageEdgeFunction(desiredEdgeConfig(resource, await fetchJwks(url), url, { allowInsecureJwksUri: true }), { allowInsecureJwksUri: true, bundle: await edgeBundle() });
}

/**
 * config.json of the code Lambda holds for `qualifier`: the test's own package for the spec, once Lambda's
 * CodeSha256 proves the deployed bytes are exactly that zip.
 */
async function deployedConfig(name: string, qualifier: string, expected: EdgePackage): Promise<unknown> {
  const deployed = await raw.send(new GetFunctionCommand({ FunctionName: name, Qualifier: qualifier }));
  expect(deployed.Configuration?.CodeSha256).toBe(createHash("sha256").update(expected.zip).digest("base64"));
  const files = unzipSync(expected.zip);
  expect(Object.keys(files).sort()).toEqual(["config.json", "index.mjs"]);
  const config = files["config.json"];
  if (config === undefined) throw new Error("the package has no config.json");
  return JSON.parse(new TextDecoder().decode(config));
}

async function versionNumbers(name: string): Promise<string[]> {
  const listed = await raw.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
  return (listed.Versions ?? []).map((version) => version.Version ?? "?");
}

const courses = { v1: undefined as EdgeFunctionState | undefined, v2: undefined as EdgeFunctionState | undefined, v3: undefined as EdgeFunctionState | undefined };

function known(state: EdgeFunctionState | undefined): EdgeFunctionState {
  if (state === undefined) throw new Error("an earlier test did not record this version");
  return state;
}

describe("ensureEdgeFunction", { concurrent: false, shuffle: false }, () => {
  it("creates the function with the Lambda@Edge settings and publishes version 1 holding the spec's config.json", async () => {
    const resource = bucketResource("courses", ["paid-students"]);
    const ctx = context(resource);
    const expected = await expectedPackage(resource);
    const { outcome, mutating } = await run(ctx);
    const name = edgeFunctionName(ctx.owner);
    expect(mutating).toEqual(["CreateFunction"]);
    expect(outcome.condition).toMatchObject({ type: "EdgeFunctionReady", status: "True", reason: "InSync" });
    expect(outcome.value).toMatchObject({ name, version: "1", codeSha256: expected.sha256Base64 });
    expect(outcome.value.arn).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${name}`);
    expect(outcome.value.versionArn).toBe(`${outcome.value.arn}:1`);
    expect(ctx.notices.map((notice) => notice.reason)).toEqual(["EdgeFunctionCreated"]);

    const deployed = await raw.send(new GetFunctionCommand({ FunctionName: name, Qualifier: "1" }));
    expect(deployed.Configuration).toMatchObject({
      Role: settings.edgeFunctionRoleArn,
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      MemorySize: 128,
      Timeout: 5,
      CodeSha256: expected.sha256Base64,
      Version: "1",
    });
    expect(deployed.Configuration?.Environment).toBeUndefined();
    // Lambda returns tags only for the function, not for one of its versions.
    expect((await raw.send(new GetFunctionCommand({ FunctionName: name }))).Tags).toEqual(ownershipTags(ctx.owner));

    const config = await deployedConfig(name, "1", expected);
    expect(config).toEqual(expected.config);
    expect(config).toMatchObject({
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool.userPoolId}`,
      clientIds: [pool.clientId],
      requiredGroups: ["paid-students"],
      tokenUse: "id",
      tokenSources: ["authorizationHeader", "cookie"],
      jwksUri: `${env.awsEndpoint}/${pool.userPoolId}/.well-known/jwks.json`,
      clockToleranceSeconds: 30,
    });
    // The keys moto's Cognito signs with, reduced to their public members.
    const served = (await (await fetch(`${env.awsEndpoint}/${pool.userPoolId}/.well-known/jwks.json`)).json()) as { keys: { kid: string; n: string }[] };
    expect((config as { jwks: { keys: { kid: string; n: string }[] } }).jwks.keys.map(({ kid, n }) => ({ kid, n }))).toEqual(served.keys.map(({ kid, n }) => ({ kid, n })));
    courses.v1 = outcome.value;
  });

  it("makes zero mutating calls, and two reads (the version, and the function's own tags), when the version in use is in sync", async () => {
    const v1 = known(courses.v1);
    const ctx = context(bucketResource("courses", ["paid-students"]));
    const { outcome, calls: made, mutating } = await run(ctx, [v1]);
    expect(mutating).toEqual([]);
    expect(made).toEqual(["GetFunction", "ListTags"]);
    expect(outcome.value).toEqual(v1);
    expect(outcome.condition.status).toBe("True");
    expect(ctx.notices).toEqual([]);
  });

  it("finds the version again with no write when the status was lost", async () => {
    const ctx = context(bucketResource("courses", ["paid-students"]));
    const { outcome, calls: made, mutating } = await run(ctx);
    expect(mutating).toEqual([]);
    expect(made).toEqual(["GetFunction", "ListVersionsByFunction"]);
    expect(outcome.value).toEqual(courses.v1);
  });

  it("publishes a new version when the required groups change, keeping the version still referenced", async () => {
    const resource = bucketResource("courses", ["paid-students", "teachers"]);
    const ctx = context(resource);
    const expected = await expectedPackage(resource);
    const v1 = known(courses.v1);
    const { outcome, mutating } = await run(ctx, [v1]);
    expect(mutating).toEqual(["UpdateFunctionCode", "PublishVersion"]);
    expect(outcome.value).toMatchObject({ version: "2", codeSha256: expected.sha256Base64 });
    expect(outcome.value.versionArn).not.toBe(v1.versionArn);
    expect(outcome.value.versionArn).toBe(`${v1.arn}:2`);
    expect(ctx.notices).toContainEqual({ kind: "changed", reason: "EdgeFunctionPublished", message: `published version 2 of edge function ${v1.name}` });
    expect(await versionNumbers(v1.name)).toEqual(["$LATEST", "1", "2"]);
    expect(await deployedConfig(v1.name, "2", expected)).toMatchObject({ requiredGroups: ["paid-students", "teachers"] });
    courses.v2 = outcome.value;
  });

  it("prunes older versions nothing references after publishing, and keeps the referenced one", async () => {
    const ctx = context(bucketResource("courses", ["teachers"]));
    const v2 = known(courses.v2);
    const { outcome, mutating } = await run(ctx, [v2]);
    expect(outcome.value.version).toBe("3");
    expect(mutating).toEqual(["UpdateFunctionCode", "PublishVersion", "DeleteFunction"]);
    expect(await versionNumbers(v2.name)).toEqual(["$LATEST", "2", "3"]);
    expect(ctx.notices).toContainEqual({ kind: "changed", reason: "EdgeFunctionVersionsPruned", message: `deleted unreferenced versions 1 of edge function ${v2.name}` });
    courses.v3 = outcome.value;

    const again = await run(context(bucketResource("courses", ["teachers"])), [outcome.value]);
    expect(again.mutating).toEqual([]);
    expect(await versionNumbers(v2.name)).toEqual(["$LATEST", "2", "3"]);
  });

  it("puts back drifted settings and removes environment variables, without publishing", async () => {
    const v3 = known(courses.v3);
    await raw.send(new UpdateFunctionConfigurationCommand({ FunctionName: v3.name, MemorySize: 512, Timeout: 30, Environment: { Variables: { DEBUG: "1" } } }));
    const ctx = context(bucketResource("courses", ["teachers"]));
    const { outcome, mutating } = await run(ctx);
    expect(mutating).toEqual(["UpdateFunctionConfiguration"]);
    expect(outcome.value).toEqual(v3);
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "drift", reason: "EdgeFunctionConfigurationCorrected", drift: "edge-function-configuration" })]);
    expect(ctx.notices[0]?.message).toMatch(/MemorySize, Timeout, Environment/);
    const latest = await raw.send(new GetFunctionCommand({ FunctionName: v3.name }));
    expect(latest.Configuration).toMatchObject({ MemorySize: 128, Timeout: 5 });
    expect(latest.Configuration?.Environment?.Variables ?? {}).toEqual({});
  });

  it("takes off a layer and a VPC configuration added by hand, which Lambda@Edge refuses, and publishes the corrected function", async () => {
    const v3 = known(courses.v3);
    const layer = await raw.send(new PublishLayerVersionCommand({ LayerName: "debug-tools", Content: { ZipFile: new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Uint8Array(18)]) } }));
    await raw.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: v3.name,
        Layers: [layer.LayerVersionArn ?? ""],
        VpcConfig: { SubnetIds: ["subnet-0123456789abcdef0"], SecurityGroupIds: ["sg-0123456789abcdef0"] },
      }),
    );
    const ctx = context(bucketResource("courses", ["teachers"]));
    const { mutating } = await run(ctx);
    expect(mutating).toEqual(["UpdateFunctionConfiguration"]);
    expect(ctx.notices[0]?.message).toMatch(/Layers, VpcConfig/);
    const latest = (await raw.send(new GetFunctionCommand({ FunctionName: v3.name }))).Configuration;
    expect(latest?.Layers ?? []).toEqual([]);
    expect([...(latest?.VpcConfig?.SubnetIds ?? []), ...(latest?.VpcConfig?.SecurityGroupIds ?? [])]).toEqual([]);
  });

  it("adopts a function left pending deletion by an earlier resource of the same name", async () => {
    const v3 = known(courses.v3);
    await raw.send(new TagResourceCommand({ Resource: v3.arn, Tags: { [tagKeys.pendingDeletion]: "2025-01-01T00-00-00Z" } }));
    const ctx = context(bucketResource("courses", ["teachers"], "uid-courses-again"));
    const { outcome, mutating } = await run(ctx, [v3]);
    expect(mutating.sort()).toEqual(["TagResource", "UntagResource"]);
    expect(outcome.value).toEqual(v3);
    expect(ctx.notices.map((notice) => notice.reason)).toEqual(["EdgeFunctionAdopted"]);
    const tags = (await raw.send(new GetFunctionCommand({ FunctionName: v3.name }))).Tags;
    expect(tags).toEqual(ownershipTags(ctx.owner));
  });

  it("recreates a function deleted out of band", async () => {
    const v3 = known(courses.v3);
    await raw.send(new DeleteFunctionCommand({ FunctionName: v3.name }));
    const ctx = context(bucketResource("courses", ["teachers"], "uid-courses-again"));
    const { outcome, calls: made, mutating } = await run(ctx, [v3]);
    expect(made).toEqual(["GetFunction", "GetFunction", "CreateFunction"]);
    expect(mutating).toEqual(["CreateFunction"]);
    expect(outcome.value).toMatchObject({ name: v3.name, version: "1", codeSha256: v3.codeSha256 });
    expect(outcome.condition.status).toBe("True");
  });

  it("leaves alone a function another owner tagged", async () => {
    const first = await run(context(bucketResource("theirs", ["teachers"])));
    await raw.send(new TagResourceCommand({ Resource: first.outcome.value.arn, Tags: { [tagKeys.owner]: "other-cluster/learning/theirs" } }));
    const mark = calls.length;
    const error = await ensureEdgeFunction(context(bucketResource("theirs", ["paid-students"])), { referencedVersionArns: [] }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isPermanent(error)).toBe(true);
    expect(error).toMatchObject({ reason: "OwnershipConflict" });
    // The tenant is not told who holds it; the holder rides on the error, for the operator's log.
    expect((error as Error).message).toMatch(/is claimed by another resource/);
    expect(error).toMatchObject({ holder: "other-cluster/learning/theirs" });
    expect(calls.slice(mark).filter(isMutating)).toEqual([]);
  });

  it("sets runtime updates back to Auto, the only setting Lambda@Edge supports, before it publishes a version", async () => {
    const first = await run(context(bucketResource("archive", ["paid-students"])));
    const name = first.outcome.value.name;
    const runtimeVersionArn = "arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    await raw.send(new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: "Manual", RuntimeVersionArn: runtimeVersionArn }));
    const ctx = context(bucketResource("archive", ["staff"]));
    const { outcome, mutating } = await run(ctx, [first.outcome.value]);
    expect(mutating).toEqual(["UpdateFunctionCode", "PutRuntimeManagementConfig", "PublishVersion"]);
    expect(outcome.value.version).toBe("2");
    expect(ctx.notices).toContainEqual(expect.objectContaining({ kind: "drift", reason: "EdgeFunctionRuntimeManagementCorrected" }));
    expect((await raw.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }))).UpdateRuntimeOn).toBe("Auto");
  });

  it("reports an unknown user pool's JWKS (HTTP 404) clearly, before any AWS call", async () => {
    const mark = calls.length;
    const ctx = context(bucketResource("nopool", ["teachers"]), { jwksUrlTemplate: `${env.awsEndpoint}/no-such-pool/{userPoolId}/jwks.json` });
    const error = await ensureEdgeFunction(ctx, { referencedVersionArns: [] }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(JwksInvalidError);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(/HTTP 404: the user pool does not exist, or COGNITO_JWKS_URL_TEMPLATE is wrong/);
    expect(calls.slice(mark)).toEqual([]);
  });

  it("refuses to bake a pool key shorter than 2048 bits", async () => {
    const server = await loopbackServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [makeKey("weak", 1024).jwk] }));
    });
    try {
      const template = server.url.replace("us-east-1_AbCdEf123", "{userPoolId}");
      const ctx = context(bucketResource("weakpool", ["teachers"]), { jwksUrlTemplate: template });
      await expect(ensureEdgeFunction(ctx, { referencedVersionArns: [] })).rejects.toThrow(/kid weak\) has a 1024-bit modulus; at least 2048 bits are required/);
    } finally {
      await server.close();
    }
  });
});
