// The response headers policy step against the patched emulator: a policy shared by the resources with the same
// CORS settings, created once under its name, found again by id or, after a crash that lost the id, by that name
// with no second create; another policy for other settings, and a move to it on a spec change; an edit by hand
// put back as drift; the next policy once one is full; and letting go of a policy, which deletes it only when no
// distribution uses it any more.
// The cases run in order: the emulator is reset per file, so later cases find what earlier ones created.
import {
  CloudFrontClient,
  CreateResponseHeadersPolicyCommand,
  GetResponseHeadersPolicyCommand,
  ListResponseHeadersPoliciesCommand,
  UpdateResponseHeadersPolicyCommand,
  type ResponseHeadersPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import type { InitializeMiddleware, MetadataBearer } from "@smithy/types";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { SecuredContentBucket, SecuredContentBucketStatus } from "../../../src/api/index.ts";
import type { StepContext } from "../../../src/reconcile/common/context.ts";
import { AwsError } from "../../../src/aws/errors.ts";
import { TemporaryError } from "../../../src/errors.ts";
import { sharedResponseHeadersPolicy } from "../../../src/reconcile/response-headers-policy/desired.ts";
import { ensureResponseHeadersPolicy, onOpenResponseHeadersPolicy } from "../../../src/reconcile/response-headers-policy/ensure.ts";
import { releasePreviousResponseHeadersPolicy, retireResponseHeadersPolicy } from "../../../src/reconcile/response-headers-policy/retire.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { createDistribution, createOriginAccessControl, operatorDistributionConfig, required, retireDistribution } from "../moto/fixtures.ts";
import { isMutating, stepContext, stepResource, useStepClients } from "./step-fixtures.ts";

const env = inject("harness");
const clients = useStepClients(env);
const calls = clients.names;
/** A second party (the console, another tool) with its own client. */
const raw = new CloudFrontClient(awsClientConfig(env));

afterAll(() => {
  raw.destroy();
});

const appOrigin = "https://app.example.com";
const cors = { allowedOrigins: [appOrigin], allowCredentials: true };
const otherCors = { allowedOrigins: [appOrigin, "https://staging.example.com"], allowCredentials: false, maxAgeSeconds: 60 };
/** The two settings as the API parser gives them to the operator, defaults filled in. */
const corsSpec = stepResource("parsed", { cors }).spec.cors;
const otherCorsSpec = stepResource("parsed", { cors: otherCors }).spec.cors;

/** The resource with what an earlier reconcile wrote to status (the policy id, and ResponseHeadersReady in sync). */
function withStatus(resource: SecuredContentBucket, status: SecuredContentBucketStatus): SecuredContentBucket {
  return { ...resource, status };
}

function inSyncStatus(id: string): SecuredContentBucketStatus {
  return {
    responseHeadersPolicyId: id,
    conditions: [{ type: "ResponseHeadersReady", status: "True", reason: "InSync", message: "", observedGeneration: 1, lastTransitionTime: "2026-01-01T00:00:00Z" }],
  };
}

/** Runs the step and returns what it did, with the AWS operations it called. */
async function run(ctx: StepContext, inUse = false) {
  const mark = calls.length;
  const known = ctx.resource.status?.responseHeadersPolicyId;
  const outcome = await ensureResponseHeadersPolicy(ctx, known === undefined ? { inUse } : { id: known, inUse });
  const made = calls.slice(mark);
  return { outcome, calls: made, mutating: made.filter(isMutating) };
}

async function retire(ctx: StepContext): Promise<string[]> {
  const mark = calls.length;
  await retireResponseHeadersPolicy(ctx);
  return clients.calls.slice(mark).flatMap((call) => (isMutating(call.operation) ? [call.outcome === "success" ? call.operation : `${call.operation}:${call.outcome}`] : []));
}

/** A distribution whose default behaviour names the policy, as another resource's would. */
async function distributionOn(policyId: string, name: string): Promise<string> {
  const oac = await createOriginAccessControl(raw, `${name}-oac`);
  const base = operatorDistributionConfig({ callerReference: name, bucket: `${name}-content`, originAccessControlId: oac.id });
  return (await createDistribution(raw, { ...base, DefaultCacheBehavior: { ...required(base.DefaultCacheBehavior, "behaviour"), ResponseHeadersPolicyId: policyId } })).id;
}

async function readPolicy(id: string): Promise<{ config: ResponseHeadersPolicyConfig; etag: string }> {
  const read = await raw.send(new GetResponseHeadersPolicyCommand({ Id: id }));
  return { config: required(read.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig, "config"), etag: required(read.ETag, "ETag") };
}

/** Someone edits the policy in the console: one setting changed, the rest kept. */
async function editByHand(id: string, change: (config: ResponseHeadersPolicyConfig) => ResponseHeadersPolicyConfig): Promise<void> {
  const { config, etag } = await readPolicy(id);
  await raw.send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: etag, ResponseHeadersPolicyConfig: change(config) }));
}

/** Runs `before` ahead of the next UpdateResponseHeadersPolicy sent through our client, once. */
function beforeNextUpdate(before: () => Promise<void>): void {
  const name = "test-before-next-headers-update";
  const middleware: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    if (context.commandName !== "UpdateResponseHeadersPolicyCommand") return next(args);
    clients.aws.cloudFront().middlewareStack.remove(name);
    await before();
    return next(args);
  };
  clients.aws.cloudFront().middlewareStack.add(middleware, { step: "initialize", name });
}

async function policiesNamed(name: string | undefined): Promise<string[]> {
  const listed = await raw.send(new ListResponseHeadersPoliciesCommand({ Type: "custom" }));
  return (listed.ResponseHeadersPolicyList?.Items ?? []).flatMap((item) => {
    const policy = item.ResponseHeadersPolicy;
    return name !== undefined && policy?.ResponseHeadersPolicyConfig?.Name === name && policy.Id !== undefined ? [policy.Id] : [];
  });
}

describe("ensureResponseHeadersPolicy and retireResponseHeadersPolicy", { concurrent: false, shuffle: false }, () => {
  const courses = stepResource("courses", { cors });
  let id = "";
  let otherId = "";

  it("creates the shared policy for the resource's settings under its name, once: CORS for spec.cors, HSTS, Cache-Control: private", async () => {
    const ctx = stepContext(courses, clients.aws);
    const first = await run(ctx);
    expect(first.mutating).toEqual(["CreateResponseHeadersPolicy"]);
    expect(first.outcome.condition).toMatchObject({ type: "ResponseHeadersReady", status: "True", reason: "InSync", observedGeneration: 1 });
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "created", reason: "ResponseHeadersPolicyCreated" })]);
    id = first.outcome.value.id;
    const desired = sharedResponseHeadersPolicy(ctx.owner, courses.spec.cors, 1);
    expect(first.outcome.value.name).toBe(desired.Name);
    const { config } = await readPolicy(id);
    expect(config).toEqual(desired);
    expect(config.CorsConfig?.AccessControlAllowOrigins?.Items).toEqual([appOrigin]);
    expect(config.CustomHeadersConfig?.Items).toEqual([{ Header: "Cache-Control", Value: "private", Override: true }]);
  });

  it("in sync with the id in status: one read, no write", async () => {
    const again = await run(stepContext(withStatus(courses, inSyncStatus(id)), clients.aws));
    expect(again.calls).toEqual(["GetResponseHeadersPolicy"]);
    expect(again.outcome.value.id).toBe(id);
  });

  it("finds the policy again by name after a crash that lost its id, instead of creating a second", async () => {
    const ctx = stepContext(courses, clients.aws);
    const recovered = await run(ctx);
    // The listing names it; a read by id confirms it and brings the ETag a correction would need.
    expect(recovered.calls).toEqual(["ListResponseHeadersPolicies", "GetResponseHeadersPolicy"]);
    expect(recovered.outcome.value.id).toBe(id);
    expect(ctx.notices).toEqual([]);
    expect(await policiesNamed(sharedResponseHeadersPolicy(ctx.owner, corsSpec, 1).Name)).toEqual([id]);
  });

  it("shares one policy among resources with the same CORS settings, and gives other settings another", async () => {
    const lessons = stepContext(stepResource("lessons", { cors }), clients.aws);
    const shared = await run(lessons);
    expect(shared.mutating).toEqual([]);
    expect(shared.outcome.value.id).toBe(id);

    // Two resources without spec.cors, reconciled together: one listing, one create, one policy for both.
    const videos = stepContext(stepResource("videos"), clients.aws);
    const quizzes = { ...stepContext(stepResource("quizzes"), clients.aws), responseHeadersPolicies: videos.responseHeadersPolicies };
    const first = await run(videos);
    expect(first.calls).toEqual(["ListResponseHeadersPolicies", "CreateResponseHeadersPolicy"]);
    const second = await run(quizzes);
    expect(second.mutating).toEqual([]);
    expect(second.outcome.value.id).toBe(first.outcome.value.id);
    expect(first.outcome.value.id).not.toBe(id);
    const { config } = await readPolicy(first.outcome.value.id);
    expect(config.CorsConfig).toBeUndefined();
    expect(config.SecurityHeadersConfig?.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, Override: true });
  });

  it("on a spec change, takes the policy of the new settings and leaves the old one untouched", async () => {
    const changed = stepResource("courses", { cors: otherCors });
    const ctx = stepContext({ ...changed, metadata: { ...changed.metadata, generation: 2 }, status: inSyncStatus(id) }, clients.aws);
    const moved = await run(ctx, true);
    expect(moved.mutating).toEqual(["CreateResponseHeadersPolicy"]);
    otherId = moved.outcome.value.id;
    expect(otherId).not.toBe(id);
    expect((await readPolicy(otherId)).config).toEqual(sharedResponseHeadersPolicy(ctx.owner, otherCorsSpec, 1));
    expect((await readPolicy(id)).config).toEqual(sharedResponseHeadersPolicy(ctx.owner, corsSpec, 1));
  });

  it("once moved, lets go of the old policy: kept while another resource's distribution uses it, deleted when none does", async () => {
    const ctx = stepContext(stepResource("courses", { cors: otherCors }), clients.aws);
    const lessons = await distributionOn(id, "lessons");
    let mark = clients.calls.length;
    await releasePreviousResponseHeadersPolicy(ctx, id, otherId);
    expect(clients.calls.slice(mark).filter((call) => isMutating(call.operation))).toEqual([{ operation: "DeleteResponseHeadersPolicy", outcome: "ResponseHeadersPolicyInUse" }]);
    expect(ctx.notices).toEqual([]);
    expect((await readPolicy(id)).config.Name).toBe(sharedResponseHeadersPolicy(ctx.owner, corsSpec, 1).Name);

    // Nothing to let go of when the policy did not change.
    mark = clients.calls.length;
    await releasePreviousResponseHeadersPolicy(ctx, otherId, otherId);
    expect(clients.calls.slice(mark)).toEqual([]);

    await retireDistribution(raw, lessons);
    await releasePreviousResponseHeadersPolicy(ctx, id, otherId);
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "deleted", reason: "ResponseHeadersPolicyDeleted" })]);
    expect(await policiesNamed(sharedResponseHeadersPolicy(ctx.owner, corsSpec, 1).Name)).toEqual([]);
  });

  it("puts back an edit made by hand (a wildcard origin, a public Cache-Control) to what the name stands for, as drift", async () => {
    const resource = stepResource("courses", { cors: otherCors });
    const ctx = stepContext(withStatus(resource, inSyncStatus(otherId)), clients.aws);
    const { config, etag } = await readPolicy(otherId);
    const edited: ResponseHeadersPolicyConfig = {
      ...config,
      CorsConfig: { ...required(config.CorsConfig, "cors"), AccessControlAllowOrigins: { Quantity: 1, Items: ["*"] } },
      CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "Cache-Control", Value: "public, max-age=86400", Override: true }] },
    };
    await raw.send(new UpdateResponseHeadersPolicyCommand({ Id: otherId, IfMatch: etag, ResponseHeadersPolicyConfig: edited }));

    const corrected = await run(ctx, true);
    expect(corrected.mutating).toEqual(["UpdateResponseHeadersPolicy"]);
    expect(corrected.outcome.value.id).toBe(otherId);
    expect(ctx.notices).toEqual([
      expect.objectContaining({ kind: "drift", reason: "ResponseHeadersPolicyCorrected", drift: "response-headers-policy", message: expect.stringContaining("CorsConfig, CustomHeadersConfig") as unknown }),
    ]);
    expect((await readPolicy(otherId)).config).toEqual(sharedResponseHeadersPolicy(ctx.owner, otherCorsSpec, 1));
  });

  it("re-reads and retries when someone else updates the policy between our read and our write", async () => {
    const resource = stepResource("courses", { cors: otherCors });
    const ctx = stepContext(withStatus(resource, inSyncStatus(otherId)), clients.aws);
    await editByHand(otherId, (config) => ({ ...config, Comment: "edited" }));
    beforeNextUpdate(() => editByHand(otherId, (config) => ({ ...config, Comment: "edited again" })));
    const mark = clients.calls.length;
    await run(ctx);
    expect(clients.calls.slice(mark).map((call) => `${call.operation}:${call.outcome}`)).toEqual([
      "GetResponseHeadersPolicy:success",
      "UpdateResponseHeadersPolicy:PreconditionFailed",
      "GetResponseHeadersPolicy:success",
      "UpdateResponseHeadersPolicy:success",
    ]);
    expect((await readPolicy(otherId)).config).toEqual(sharedResponseHeadersPolicy(ctx.owner, otherCorsSpec, 1));
  });

  it("takes the next policy of the same settings once CloudFront said the first is full, but keeps a full one the distribution already uses", async () => {
    const resource = stepResource("archive", { cors: otherCors });
    const ctx = { ...stepContext(withStatus(resource, inSyncStatus(otherId)), clients.aws), fullResponseHeadersPolicies: new Set<string>() };
    const full = new AwsError({
      service: "cloudfront",
      operation: "UpdateDistribution",
      awsCode: "TooManyDistributionsAssociatedToResponseHeadersPolicy",
      awsMessage: "The maximum number of distributions have been associated with the specified response headers policy.",
      httpStatus: 400,
    });
    const first = await run(ctx);
    const refused = onOpenResponseHeadersPolicy(ctx, first.outcome.value, () => Promise.reject(full));
    await expect(refused).rejects.toBeInstanceOf(TemporaryError);
    await expect(refused).rejects.toMatchObject({ reason: "ResponseHeadersPolicyFull", cause: full });
    expect([...ctx.fullResponseHeadersPolicies]).toEqual([first.outcome.value.name]);

    const next = await run(ctx);
    expect(next.mutating).toEqual(["CreateResponseHeadersPolicy"]);
    expect(next.outcome.value.name).toBe(sharedResponseHeadersPolicy(ctx.owner, otherCorsSpec, 2).Name);
    expect((await readPolicy(next.outcome.value.id)).config).toEqual(sharedResponseHeadersPolicy(ctx.owner, otherCorsSpec, 2));
    expect((await run(ctx, true)).outcome.value).toEqual(first.outcome.value);
    // Any other failure passes through, and marks nothing full.
    await expect(onOpenResponseHeadersPolicy(ctx, next.outcome.value, () => Promise.reject(new Error("other")))).rejects.toThrow("other");
    expect(ctx.fullResponseHeadersPolicies.size).toBe(1);
    // Nothing uses the second: letting go of it deletes it.
    await releasePreviousResponseHeadersPolicy(ctx, next.outcome.value.id, otherId);
    expect(await policiesNamed(next.outcome.value.name)).toEqual([]);
  });

  it("on deletion, keeps the shared policy while another resource uses it; the last one to go deletes it", async () => {
    const archiveDistribution = await distributionOn(otherId, "archive");
    const courses2 = stepContext(withStatus(stepResource("courses", { cors: otherCors }), inSyncStatus(otherId)), clients.aws);
    expect(await retire(courses2)).toEqual(["DeleteResponseHeadersPolicy:ResponseHeadersPolicyInUse"]);
    expect(courses2.notices).toEqual([]);
    expect((await readPolicy(otherId)).config.Name).toBe(sharedResponseHeadersPolicy(courses2.owner, otherCorsSpec, 1).Name);

    await retireDistribution(raw, archiveDistribution);
    const archive = stepContext(withStatus(stepResource("archive", { cors: otherCors }), inSyncStatus(otherId)), clients.aws);
    expect(await retire(archive)).toEqual(["DeleteResponseHeadersPolicy"]);
    expect(archive.notices).toContainEqual(expect.objectContaining({ kind: "deleted", reason: "ResponseHeadersPolicyDeleted" }));
    expect(await policiesNamed(sharedResponseHeadersPolicy(archive.owner, otherCorsSpec, 1).Name)).toEqual([]);

    // Gone: nothing left to do, and nothing written.
    expect(await retire(archive)).toEqual([]);
  });

  it("on deletion, finds by name a policy whose id never reached status", async () => {
    const videos = stepContext(stepResource("videos"), clients.aws);
    const name = sharedResponseHeadersPolicy(videos.owner, undefined, 1).Name;
    expect(await policiesNamed(name)).toHaveLength(1);
    expect(await retire(videos)).toEqual(["DeleteResponseHeadersPolicy"]);
    expect(await policiesNamed(name)).toEqual([]);
    expect(await retire(stepContext(stepResource("quizzes"), clients.aws))).toEqual([]);
  });

  it("never deletes a policy that is not one of the cluster's shared ones", async () => {
    const created = await raw.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: { ...sharedResponseHeadersPolicy(stepContext(courses, clients.aws).owner, corsSpec, 1), Name: "team-security-headers" } }));
    const foreign = required(created.ResponseHeadersPolicy?.Id, "id");
    expect(await retire(stepContext(withStatus(courses, inSyncStatus(foreign)), clients.aws))).toEqual([]);
    expect((await readPolicy(foreign)).config.Name).toBe("team-security-headers");
  });
});
