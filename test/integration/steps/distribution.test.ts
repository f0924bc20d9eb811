// The distribution step against the patched emulator (new ETag on every write, IfMatch enforced, deployments
// InProgress for a few reads, caller references unique): create, deploy, stay quiet when in sync, update only
// owned fields, survive a stale ETag, a lost status write and an out-of-band deletion.
// The cases run in order: they follow one distribution, each starting from the id and state the one before left.
import {
  CloudFrontClient,
  DeleteDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import type { InitializeMiddleware, MetadataBearer } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { managedCachePolicyIds, type DistributionStatus, type SecuredContentBucket } from "../../../src/api/index.ts";
import { isAwsError } from "../../../src/aws/errors.ts";
import { ownershipTags } from "../../../src/reconcile/common/naming.ts";
import type { StepContext } from "../../../src/reconcile/common/context.ts";
import { ensureDistribution, maxUpdateAttempts } from "../../../src/reconcile/distribution/ensure.ts";
import { ensureOriginAccessControl } from "../../../src/reconcile/origin-access-control/ensure.ts";
import { ensureResponseHeadersPolicy } from "../../../src/reconcile/response-headers-policy/ensure.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { readUntilDeployed, required } from "../moto/fixtures.ts";
import { isMutating, stepContext, stepResource, useStepClients } from "./step-fixtures.ts";

const env = inject("harness");
const clients = useStepClients(env);
const calls = clients.calls;
/** A second party (the console, another tool) with its own client. */
const raw = new CloudFrontClient(awsClientConfig(env));

const functionArn = (version: number) => `arn:aws:lambda:us-east-1:123456789012:function:scb-edge-x:${String(version)}`;

afterAll(() => {
  raw.destroy();
});

const bucketResource = (name: string, distribution: Record<string, unknown> = {}): SecuredContentBucket => stepResource(name, { distribution });
const context = (resource: SecuredContentBucket): StepContext => stepContext(resource, clients.aws);

async function originAccessControlFor(ctx: StepContext): Promise<string> {
  return (await ensureOriginAccessControl(ctx, { inUse: false })).value.id;
}

/** Runs the step and returns what it did, with the AWS operations it called (`Operation` or `Operation:Error`). */
async function run(ctx: StepContext, inputs: { originAccessControlId: string; version: number; knownId?: string }) {
  // The resource's response headers policy, made through a context of its own so its notices stay out of these.
  const headers = await ensureResponseHeadersPolicy(stepContext(ctx.resource, clients.aws), { inUse: false });
  const mark = calls.length;
  const outcome = await ensureDistribution(ctx, {
    originAccessControlId: inputs.originAccessControlId,
    viewerRequestFunctionArn: functionArn(inputs.version),
    responseHeadersPolicyId: headers.value.id,
    ...(inputs.knownId === undefined ? {} : { knownId: inputs.knownId }),
  });
  const made = calls.slice(mark).map((call) => (call.outcome === "success" ? call.operation : `${call.operation}:${call.outcome}`));
  return { outcome, calls: made, mutating: made.filter(isMutating) };
}

/** Reconciles with the known id until CloudFront reports Deployed; no run on the way may write. */
async function runUntilDeployed(ctx: StepContext, inputs: { originAccessControlId: string; version: number; knownId: string }): Promise<DistributionStatus> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const { outcome, mutating } = await run(ctx, inputs);
    expect(mutating).toEqual([]);
    if (outcome.condition.status === "True") return outcome.value;
  }
  throw new Error(`distribution ${inputs.knownId} did not become Deployed`);
}

/** The live config, without counting as a deployment read (the emulator only counts GetDistribution). */
async function liveConfig(id: string): Promise<{ config: DistributionConfig; etag: string }> {
  const read = await raw.send(new GetDistributionConfigCommand({ Id: id }));
  return { config: required(read.DistributionConfig, "config"), etag: required(read.ETag, "ETag") };
}

/** Someone else changes the distribution, keeping everything they do not touch. */
async function editByHand(id: string, edit: (config: DistributionConfig) => DistributionConfig): Promise<void> {
  const { config, etag } = await liveConfig(id);
  await raw.send(new UpdateDistributionCommand({ Id: id, IfMatch: etag, DistributionConfig: edit(config) }));
}

const withErrorPage = (code: number) => (config: DistributionConfig): DistributionConfig => ({
  ...config,
  CustomErrorResponses: { Quantity: 1, Items: [{ ErrorCode: code, ResponsePagePath: `/${String(code)}.html`, ResponseCode: String(code), ErrorCachingMinTTL: 10 }] },
});

/** Runs `before` ahead of every matching command sent through our client, until the returned function is called. */
function intercept(commandName: string, before: () => Promise<void>, after?: (error: unknown) => unknown): () => void {
  const name = `test-intercept-${commandName}`;
  const middleware: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    if (context.commandName !== commandName) return next(args);
    await before();
    try {
      return await next(args);
    } catch (error) {
      throw after === undefined ? error : after(error);
    }
  };
  clients.aws.cloudFront().middlewareStack.add(middleware, { step: "initialize", name });
  return () => {
    clients.aws.cloudFront().middlewareStack.remove(name);
  };
}

async function distributionsFor(bucket: string): Promise<string[]> {
  const listed = await raw.send(new ListDistributionsCommand({}));
  return (listed.DistributionList?.Items ?? [])
    .filter((item) => item.Origins?.Items?.some((origin) => origin.DomainName === `${bucket}.s3.us-east-1.amazonaws.com`))
    .map((item) => required(item.Id, "id"));
}

describe("ensureDistribution", { concurrent: false, shuffle: false }, () => {
  let courses: StepContext;
  let oac = "";
  let id = "";

  beforeAll(async () => {
    courses = context(bucketResource("courses", { priceClass: "PriceClass_200" }));
    oac = await originAccessControlFor(courses);
  });

  it("creates the distribution (the bucket through the OAC, the edge function on viewer requests), tagged, and reports it Deploying", async () => {
    const created = await run(courses, { originAccessControlId: oac, version: 1 });
    expect(created.mutating).toEqual(["CreateDistributionWithTags"]);
    expect(created.outcome.value.status).toBe("InProgress");
    expect(created.outcome.condition).toMatchObject({ type: "DistributionDeployed", status: "False", reason: "Deploying", observedGeneration: 1 });
    expect(courses.notices).toContainEqual(expect.objectContaining({ kind: "created", reason: "DistributionCreated" }));
    id = created.outcome.value.id;
    expect(created.outcome.value.arn).toBe(`arn:aws:cloudfront::123456789012:distribution/${id}`);
    expect(created.outcome.value.domainName).toMatch(/\.cloudfront\.net$/);

    const { config } = await liveConfig(id);
    expect(config).toMatchObject({ CallerReference: "uid-courses", Comment: "learning/courses", Enabled: true, PriceClass: "PriceClass_200" });
    expect(config.Origins?.Items).toEqual([
      expect.objectContaining({ DomainName: "courses-content.s3.us-east-1.amazonaws.com", OriginAccessControlId: oac, S3OriginConfig: expect.objectContaining({ OriginAccessIdentity: "" }) as unknown }),
    ]);
    // CloudFront returns the methods in its own order (HEAD before GET), whatever order was sent.
    expect([...(config.DefaultCacheBehavior?.AllowedMethods?.Items ?? [])].sort()).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect([...(config.DefaultCacheBehavior?.AllowedMethods?.CachedMethods?.Items ?? [])].sort()).toEqual(["GET", "HEAD"]);
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: "https-only",
      CachePolicyId: managedCachePolicyIds.CachingOptimized,
      Compress: true,
      LambdaFunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", LambdaFunctionARN: functionArn(1), IncludeBody: false }] },
    });
    const tags = await raw.send(new ListTagsForResourceCommand({ Resource: created.outcome.value.arn }));
    const expected = Object.entries(ownershipTags(courses.owner)).map(([Key, Value]) => ({ Key, Value }));
    expect(tags.Tags?.Items).toEqual(expect.arrayContaining(expected));
  });

  it("becomes Deployed as CloudFront finishes, then an in-sync run is one read and no write", async () => {
    const deployed = await runUntilDeployed(courses, { originAccessControlId: oac, version: 1, knownId: id });
    expect(deployed).toMatchObject({ id, status: "Deployed" });
    const quiet = await run(courses, { originAccessControlId: oac, version: 1, knownId: id });
    expect(quiet.calls).toEqual(["GetDistribution"]);
    expect(quiet.outcome.condition).toMatchObject({ status: "True", reason: "InSync" });
  });

  it("moves to a new function version by changing only the association, keeping what others added", async () => {
    await editByHand(id, withErrorPage(404));
    await runUntilDeployed(courses, { originAccessControlId: oac, version: 1, knownId: id });
    const before = (await liveConfig(id)).config;
    const ctx = context(courses.resource);
    const updated = await run(ctx, { originAccessControlId: oac, version: 2, knownId: id });
    expect(updated.mutating).toEqual(["UpdateDistribution"]);
    expect(updated.outcome.condition).toMatchObject({ status: "False", reason: "Deploying" });
    expect(ctx.notices).toEqual([expect.objectContaining({ reason: "DistributionUpdated", message: expect.stringContaining("DefaultCacheBehavior.LambdaFunctionAssociations") as unknown })]);
    const after = (await liveConfig(id)).config;
    expect(after).toEqual({
      ...before,
      DefaultCacheBehavior: {
        ...before.DefaultCacheBehavior,
        LambdaFunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", LambdaFunctionARN: functionArn(2), IncludeBody: false }] },
      },
    });
    await runUntilDeployed(courses, { originAccessControlId: oac, version: 2, knownId: id });
  });

  it("re-reads and retries when someone else updates between our read and our write, and keeps their change", async () => {
    let interfered = false;
    const stop = intercept("UpdateDistributionCommand", async () => {
      if (interfered) return;
      interfered = true;
      await editByHand(id, withErrorPage(403));
    });
    try {
      const updated = await run(context(courses.resource), { originAccessControlId: oac, version: 3, knownId: id });
      expect(updated.calls).toEqual(["GetDistribution", "UpdateDistribution:PreconditionFailed", "GetDistribution", "UpdateDistribution"]);
    } finally {
      stop();
    }
    const { config } = await liveConfig(id);
    expect(config.DefaultCacheBehavior?.LambdaFunctionAssociations?.Items?.[0]?.LambdaFunctionARN).toBe(functionArn(3));
    expect(config.CustomErrorResponses?.Items?.[0]?.ErrorCode).toBe(403);
  });

  it("gives up after a bounded number of attempts when the distribution keeps changing under it", async () => {
    let page = 500;
    const stop = intercept("UpdateDistributionCommand", () => editByHand(id, withErrorPage((page += 1))));
    try {
      const failure = await run(context(courses.resource), { originAccessControlId: oac, version: 4, knownId: id }).catch((error: unknown) => error);
      expect(isAwsError(failure, "PreconditionFailed")).toBe(true);
    } finally {
      stop();
    }
    expect(calls.slice(-maxUpdateAttempts * 2).map((call) => `${call.operation}:${call.outcome}`)).toEqual(
      Array.from({ length: maxUpdateAttempts }, () => ["GetDistribution:success", "UpdateDistribution:PreconditionFailed"]).flat(),
    );
  });

  it("finds the distribution of a create whose status write was lost, instead of making a second", async () => {
    const ctx = context(bucketResource("crash"));
    const crashOac = await originAccessControlFor(ctx);
    const first = await run(ctx, { originAccessControlId: crashOac, version: 1 });
    const second = await run(ctx, { originAccessControlId: crashOac, version: 1 });
    expect(second.calls).toEqual(["CreateDistributionWithTags:DistributionAlreadyExists", "GetDistribution"]);
    expect(second.outcome.value.id).toBe(first.outcome.value.id);
    expect(ctx.notices).toContainEqual(expect.objectContaining({ reason: "DistributionFound" }));
    expect(await distributionsFor("crash-content")).toEqual([first.outcome.value.id]);
  });

  it("finds it by listing when the error does not name it, and updates it to the spec", async () => {
    const ctx = context(bucketResource("crash"));
    const crashOac = await originAccessControlFor(ctx);
    const existing = await distributionsFor("crash-content");
    const stop = intercept(
      "CreateDistributionWithTagsCommand",
      () => Promise.resolve(),
      (error) => Object.assign(error as Error, { message: "The caller reference is associated with another distribution." }),
    );
    try {
      const recovered = await run(ctx, { originAccessControlId: crashOac, version: 2 });
      expect(recovered.calls).toEqual(["CreateDistributionWithTags:DistributionAlreadyExists", "ListDistributions", "GetDistribution", "UpdateDistribution"]);
      expect(recovered.outcome.value.id).toBe(existing[0]);
    } finally {
      stop();
    }
    expect(await distributionsFor("crash-content")).toEqual(existing);
  });

  it("creates the distribution again, with a Warning, when it was deleted out of band", async () => {
    const ctx = context(bucketResource("gone"));
    const goneOac = await originAccessControlFor(ctx);
    const original = (await run(ctx, { originAccessControlId: goneOac, version: 1 })).outcome.value.id;
    await editByHand(original, (config) => ({ ...config, Enabled: false }));
    await readUntilDeployed(raw, original);
    await raw.send(new DeleteDistributionCommand({ Id: original, IfMatch: (await liveConfig(original)).etag }));

    const again = context(ctx.resource);
    const recreated = await run(again, { originAccessControlId: goneOac, version: 1, knownId: original });
    // Before creating again, the distributions in front of the bucket are searched for one of ours (status may
    // name an id that never was ours), then the replacement is created.
    expect(recreated.calls).toEqual(["GetDistribution:NoSuchDistribution", "ListDistributions", "CreateDistributionWithTags"]);
    expect(recreated.outcome.value.id).not.toBe(original);
    expect(again.notices).toContainEqual(expect.objectContaining({ kind: "drift", reason: "DistributionMissing", drift: "distribution" }));
    expect(await distributionsFor("gone-content")).toEqual([recreated.outcome.value.id]);
    // CloudFront refuses a caller reference it has seen, so the replacement names the distribution it replaces.
    expect((await liveConfig(recreated.outcome.value.id)).config.CallerReference).toBe(`${ctx.resource.metadata.uid}/replaces/${original}`);

    // A crash before the new id reached status: the next pass finds the replacement instead of making another.
    const afterCrash = await run(context(ctx.resource), { originAccessControlId: goneOac, version: 1, knownId: original });
    expect(afterCrash.outcome.value.id).toBe(recreated.outcome.value.id);
    expect(afterCrash.calls).toContain("ListDistributions");
    expect(afterCrash.calls.filter((call) => call.startsWith("CreateDistributionWithTags"))).toEqual([]);
    expect(await distributionsFor("gone-content")).toEqual([recreated.outcome.value.id]);
  });

  it("leaves alone a distribution in status that was created for another resource", async () => {
    const ctx = context(bucketResource("restored"));
    const restoredOac = await originAccessControlFor(ctx);
    const before = await liveConfig(id);
    const own = await run(ctx, { originAccessControlId: restoredOac, version: 1, knownId: id });
    expect(own.mutating).toEqual(["CreateDistributionWithTags"]);
    expect(own.outcome.value.id).not.toBe(id);
    expect(ctx.notices).toContainEqual(expect.objectContaining({ kind: "warning", reason: "DistributionNotOwned" }));
    expect((await liveConfig(id)).etag).toBe(before.etag);
  });
});
