// The response headers policy step against the patched emulator: created once under the resource's name, found
// again by id or, after a crash that lost the id, by that name with no second create; updated when spec.cors
// changes; an edit by hand put back as drift; on deletion, waiting while a distribution still uses it, then
// deleted, also when status never recorded it.
// The cases run in order: the emulator is reset per file, so later cases find what earlier ones created.
import {
  CloudFrontClient,
  GetResponseHeadersPolicyCommand,
  ListResponseHeadersPoliciesCommand,
  UpdateResponseHeadersPolicyCommand,
  type ResponseHeadersPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import type { InitializeMiddleware, MetadataBearer } from "@smithy/types";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { SecuredContentBucket, SecuredContentBucketStatus } from "../../../src/api/index.ts";
import type { StepContext } from "../../../src/reconcile/common/context.ts";
import { responseHeadersPolicyName } from "../../../src/reconcile/common/naming.ts";
import { desiredResponseHeadersPolicy } from "../../../src/reconcile/response-headers-policy/desired.ts";
import { ensureResponseHeadersPolicy } from "../../../src/reconcile/response-headers-policy/ensure.ts";
import { retireResponseHeadersPolicy } from "../../../src/reconcile/response-headers-policy/retire.ts";
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
async function run(ctx: StepContext) {
  const mark = calls.length;
  const outcome = await ensureResponseHeadersPolicy(ctx, ctx.resource.status?.responseHeadersPolicyId);
  const made = calls.slice(mark);
  return { outcome, calls: made, mutating: made.filter(isMutating) };
}

async function retire(ctx: StepContext) {
  const mark = calls.length;
  const waitingFor = await retireResponseHeadersPolicy(ctx);
  return { waitingFor, mutating: calls.slice(mark).filter(isMutating) };
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

async function policiesNamed(name: string): Promise<string[]> {
  const listed = await raw.send(new ListResponseHeadersPoliciesCommand({ Type: "custom" }));
  return (listed.ResponseHeadersPolicyList?.Items ?? []).flatMap((item) => {
    const policy = item.ResponseHeadersPolicy;
    return policy?.ResponseHeadersPolicyConfig?.Name === name && policy.Id !== undefined ? [policy.Id] : [];
  });
}

describe("ensureResponseHeadersPolicy and retireResponseHeadersPolicy", { concurrent: false, shuffle: false }, () => {
  const courses = stepResource("courses", { cors });
  let id = "";

  it("creates the resource's policy under its deterministic name, once: CORS for spec.cors, HSTS, Cache-Control: private", async () => {
    const ctx = stepContext(courses, clients.aws);
    const first = await run(ctx);
    expect(first.mutating).toEqual(["CreateResponseHeadersPolicy"]);
    expect(first.outcome.condition).toMatchObject({ type: "ResponseHeadersReady", status: "True", reason: "InSync", observedGeneration: 1 });
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "created", reason: "ResponseHeadersPolicyCreated" })]);
    id = first.outcome.value;
    const { config } = await readPolicy(id);
    expect(config).toEqual(desiredResponseHeadersPolicy(ctx.owner, courses.spec.cors));
    expect(config.Name).toBe(responseHeadersPolicyName(ctx.owner));
    expect(config.CorsConfig?.AccessControlAllowOrigins?.Items).toEqual([appOrigin]);
    expect(config.CustomHeadersConfig?.Items).toEqual([{ Header: "Cache-Control", Value: "private", Override: true }]);
  });

  it("in sync with the id in status: one read, no write", async () => {
    const again = await run(stepContext(withStatus(courses, inSyncStatus(id)), clients.aws));
    expect(again.calls).toEqual(["GetResponseHeadersPolicy"]);
    expect(again.outcome.value).toBe(id);
  });

  it("finds the policy again by name after a crash that lost its id, instead of creating a second", async () => {
    const ctx = stepContext(courses, clients.aws);
    const recovered = await run(ctx);
    // The listing names it; a read by id confirms it and brings the ETag a correction would need.
    expect(recovered.calls).toEqual(["ListResponseHeadersPolicies", "GetResponseHeadersPolicy"]);
    expect(recovered.outcome.value).toBe(id);
    expect(ctx.notices).toEqual([]);
    expect(await policiesNamed(responseHeadersPolicyName(ctx.owner))).toEqual([id]);
  });

  it("gives another resource a policy of its own, without CORS when its spec has none; resources made together share one listing", async () => {
    const videos = stepContext(stepResource("videos"), clients.aws);
    const quizzes = { ...stepContext(stepResource("quizzes"), clients.aws), responseHeadersPolicies: videos.responseHeadersPolicies };
    const other = await run(videos);
    expect(other.calls).toEqual(["ListResponseHeadersPolicies", "CreateResponseHeadersPolicy"]);
    expect((await run(quizzes)).calls).toEqual(["CreateResponseHeadersPolicy"]);
    expect(other.outcome.value).not.toBe(id);
    const { config } = await readPolicy(other.outcome.value);
    expect(config.CorsConfig).toBeUndefined();
    expect(config.SecurityHeadersConfig?.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, Override: true });
  });

  it("updates the policy in place when spec.cors changes, as a change rather than drift", async () => {
    const changed = stepResource("courses", { cors: { allowedOrigins: [appOrigin, "https://staging.example.com"], allowCredentials: false, maxAgeSeconds: 60 } });
    const ctx = stepContext({ ...changed, metadata: { ...changed.metadata, generation: 2 }, status: inSyncStatus(id) }, clients.aws);
    const updated = await run(ctx);
    expect(updated.mutating).toEqual(["UpdateResponseHeadersPolicy"]);
    expect(updated.outcome.value).toBe(id);
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "changed", reason: "ResponseHeadersPolicyUpdated", message: expect.stringContaining("CorsConfig") as unknown })]);
    const { config } = await readPolicy(id);
    expect(config.CorsConfig).toMatchObject({
      AccessControlAllowOrigins: { Items: [appOrigin, "https://staging.example.com"] },
      AccessControlAllowCredentials: false,
      AccessControlMaxAgeSec: 60,
    });
  });

  it("puts back an edit made by hand (a wildcard origin, a public Cache-Control) and reports it as drift", async () => {
    const ctx = stepContext(withStatus(courses, inSyncStatus(id)), clients.aws);
    // Bring the policy back to courses' spec first, then let someone edit it.
    await run(stepContext(courses, clients.aws));
    const { config, etag } = await readPolicy(id);
    const cors = required(config.CorsConfig, "cors");
    const edited: ResponseHeadersPolicyConfig = {
      ...config,
      CorsConfig: { ...cors, AccessControlAllowOrigins: { Quantity: 1, Items: ["*"] }, AccessControlAllowCredentials: false },
      CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "Cache-Control", Value: "public, max-age=86400", Override: true }] },
    };
    await raw.send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: etag, ResponseHeadersPolicyConfig: edited }));

    const corrected = await run(ctx);
    expect(corrected.mutating).toEqual(["UpdateResponseHeadersPolicy"]);
    expect(ctx.notices).toEqual([
      expect.objectContaining({ kind: "drift", reason: "ResponseHeadersPolicyCorrected", drift: "response-headers-policy", message: expect.stringContaining("CorsConfig, CustomHeadersConfig") as unknown }),
    ]);
    expect((await readPolicy(id)).config).toEqual(desiredResponseHeadersPolicy(ctx.owner, courses.spec.cors));
  });

  it("re-reads and retries when someone else updates the policy between our read and our write", async () => {
    const ctx = stepContext(withStatus(courses, inSyncStatus(id)), clients.aws);
    await editByHand(id, (config) => ({ ...config, Comment: "edited" }));
    beforeNextUpdate(() => editByHand(id, (config) => ({ ...config, Comment: "edited again" })));
    const mark = clients.calls.length;
    await run(ctx);
    expect(clients.calls.slice(mark).map((call) => `${call.operation}:${call.outcome}`)).toEqual([
      "GetResponseHeadersPolicy:success",
      "UpdateResponseHeadersPolicy:PreconditionFailed",
      "GetResponseHeadersPolicy:success",
      "UpdateResponseHeadersPolicy:success",
    ]);
    expect((await readPolicy(id)).config).toEqual(desiredResponseHeadersPolicy(ctx.owner, courses.spec.cors));
  });

  it("on deletion, waits while a distribution still names the policy, then deletes it", async () => {
    const oac = await createOriginAccessControl(raw, "headers-step-oac");
    const base = operatorDistributionConfig({ callerReference: "headers-step", bucket: "courses-content", originAccessControlId: oac.id });
    const distribution = await createDistribution(raw, { ...base, DefaultCacheBehavior: { ...required(base.DefaultCacheBehavior, "behaviour"), ResponseHeadersPolicyId: id } });
    const ctx = stepContext(withStatus(courses, inSyncStatus(id)), clients.aws);

    const inUse = await retire(ctx);
    expect(inUse.waitingFor).toMatch(/^response headers policy .* to be released/);
    expect(inUse.mutating).toEqual(["DeleteResponseHeadersPolicy"]);
    expect((await readPolicy(id)).config.Name).toBe(responseHeadersPolicyName(ctx.owner));

    await retireDistribution(raw, distribution.id);
    const done = await retire(ctx);
    expect(done).toEqual({ waitingFor: undefined, mutating: ["DeleteResponseHeadersPolicy"] });
    expect(ctx.notices).toContainEqual(expect.objectContaining({ kind: "deleted", reason: "ResponseHeadersPolicyDeleted" }));
    expect(await policiesNamed(responseHeadersPolicyName(ctx.owner))).toEqual([]);

    // Gone: nothing left to do, and nothing written.
    expect(await retire(ctx)).toEqual({ waitingFor: undefined, mutating: [] });
  });

  it("on deletion, finds by name a policy whose id never reached status", async () => {
    for (const name of ["videos", "quizzes"]) {
      const ctx = stepContext(stepResource(name), clients.aws);
      const policyName = responseHeadersPolicyName(ctx.owner);
      expect(await policiesNamed(policyName)).toHaveLength(1);
      expect(await retire(ctx)).toEqual({ waitingFor: undefined, mutating: ["DeleteResponseHeadersPolicy"] });
      expect(await policiesNamed(policyName)).toEqual([]);
    }
  });
});
