// The Origin Access Control step against the patched emulator: created once, found again by id or by name
// with no writes, drift put back with IfMatch.
// The cases run in order: the emulator is reset per file, so later cases find the OAC the first one created.
import {
  CloudFrontClient,
  GetOriginAccessControlCommand,
  ListOriginAccessControlsCommand,
  UpdateOriginAccessControlCommand,
  type OriginAccessControlConfig,
} from "@aws-sdk/client-cloudfront";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { SecuredContentBucket } from "../../../src/api/index.ts";
import { originAccessControlName } from "../../../src/reconcile/shared/naming.ts";
import type { StepContext } from "../../../src/reconcile/shared/context.ts";
import { ensureOriginAccessControl } from "../../../src/reconcile/origin-access-control/ensure.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { isMutating, stepContext, stepResource, useStepClients } from "./step-fixtures.ts";

const env = inject("harness");
const clients = useStepClients(env);
const calls = clients.names;
const raw = new CloudFrontClient(awsClientConfig(env));

afterAll(() => {
  raw.destroy();
});

const bucketResource = (name: string): SecuredContentBucket => stepResource(name);
const context = (resource: SecuredContentBucket): StepContext => stepContext(resource, clients.aws);

/** Runs the step and returns what it did, with the AWS operations it called. */
async function run(ctx: StepContext, known: { id?: string }) {
  const mark = calls.length;
  const outcome = await ensureOriginAccessControl(ctx, known);
  const made = calls.slice(mark);
  return { outcome, calls: made, mutating: made.filter(isMutating) };
}

async function readOac(id: string) {
  const read = await raw.send(new GetOriginAccessControlCommand({ Id: id }));
  const config = read.OriginAccessControl?.OriginAccessControlConfig;
  if (config === undefined || read.ETag === undefined) throw new Error(`the emulator returned no config for OAC ${id}`);
  return { config, etag: read.ETag };
}

/** Someone changes the OAC in the console. */
async function editByHand(id: string, changes: Partial<OriginAccessControlConfig>) {
  const { config, etag } = await readOac(id);
  await raw.send(new UpdateOriginAccessControlCommand({ Id: id, IfMatch: etag, OriginAccessControlConfig: { ...config, ...changes } }));
}

describe("ensureOriginAccessControl", { concurrent: false, shuffle: false }, () => {
  it("creates an s3/sigv4/always OAC under the deterministic name, once", async () => {
    const ctx = context(bucketResource("courses"));
    const first = await run(ctx, {});
    expect(first.mutating).toEqual(["CreateOriginAccessControl"]);
    expect(first.outcome.condition).toMatchObject({ type: "OriginAccessReady", status: "True", reason: "InSync", observedGeneration: 1 });
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "created", reason: "OriginAccessControlCreated" })]);
    expect((await readOac(first.outcome.value.id)).config).toEqual({
      Name: originAccessControlName(ctx.owner),
      Description: "SecuredContentBucket learning/courses",
      OriginAccessControlOriginType: "s3",
      SigningBehavior: "always",
      SigningProtocol: "sigv4",
    });
  });

  it("finds it again by name when status lost the id, with no writes: one shared listing, then a read by id to confirm", async () => {
    const ctx = context(bucketResource("courses"));
    const again = await run(ctx, {});
    const listed = await raw.send(new ListOriginAccessControlsCommand({}));
    const named = listed.OriginAccessControlList?.Items?.filter((oac) => oac.Name === originAccessControlName(ctx.owner));
    expect(named?.map((oac) => oac.Id)).toEqual([again.outcome.value.id]);
    expect(again.mutating).toEqual([]);
    expect(again.calls).toEqual(["ListOriginAccessControls", "GetOriginAccessControl"]);
    expect(ctx.notices).toEqual([]);
  });

  it("is one read and no write when in sync with the id from status", async () => {
    const ctx = context(bucketResource("courses"));
    const { outcome } = await run(ctx, {});
    const inSync = await run(ctx, { id: outcome.value.id });
    expect(inSync.calls).toEqual(["GetOriginAccessControl"]);
    expect(inSync.outcome.value.id).toBe(outcome.value.id);
  });

  it("falls back to the name when the id in status is gone", async () => {
    const ctx = context(bucketResource("courses"));
    const { outcome } = await run(ctx, {});
    const stale = await run(ctx, { id: "E0000000000000" });
    expect(stale.outcome.value.id).toBe(outcome.value.id);
    expect(stale.mutating).toEqual([]);
  });

  it("puts drifted signing settings and description back, with IfMatch", async () => {
    const ctx = context(bucketResource("courses"));
    const { id } = (await run(ctx, {})).outcome.value;
    await editByHand(id, { SigningBehavior: "no-override", Description: "edited by hand" });
    const corrected = await run(ctx, { id });
    expect(corrected.calls).toEqual(["GetOriginAccessControl", "UpdateOriginAccessControl"]);
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "drift", reason: "OriginAccessControlCorrected", drift: "origin-access-control" })]);
    expect((await readOac(id)).config).toMatchObject({ SigningBehavior: "always", Description: "SecuredContentBucket learning/courses" });
    expect((await run(context(bucketResource("courses")), { id })).mutating).toEqual([]);
  });

  it("corrects drift found by name too, reading the ETag first", async () => {
    const ctx = context(bucketResource("courses"));
    const { id } = (await run(ctx, {})).outcome.value;
    await editByHand(id, { SigningBehavior: "never" });
    // A fresh context, as after a restart: its index has not listed yet.
    const corrected = await run(context(bucketResource("courses")), {});
    expect(corrected.calls).toEqual(["ListOriginAccessControls", "GetOriginAccessControl", "UpdateOriginAccessControl"]);
    expect((await readOac(id)).config.SigningBehavior).toBe("always");
  });

  it("gives another resource its own OAC", async () => {
    const courses = (await run(context(bucketResource("courses")), {})).outcome.value.id;
    const videos = await run(context(bucketResource("videos")), {});
    expect(videos.mutating).toEqual(["CreateOriginAccessControl"]);
    expect(videos.outcome.value.id).not.toBe(courses);
  });
});
