// The origin access control step against the patched emulator: the cluster's shared OAC is created once and
// used by every resource, found again by id or by name with no writes, drift put back with IfMatch, the next
// shared OAC taken once CloudFront says one is full, and an OAC a resource made for itself before OACs were
// shared kept.
// The cases run in order: the emulator is reset per file, so later cases find the OAC the first one created.
import {
  CloudFrontClient,
  CreateOriginAccessControlCommand,
  GetOriginAccessControlCommand,
  ListOriginAccessControlsCommand,
  UpdateOriginAccessControlCommand,
  type OriginAccessControlConfig,
} from "@aws-sdk/client-cloudfront";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { SecuredContentBucket } from "../../../src/api/index.ts";
import { ownOriginAccessControl } from "../../../src/reconcile/origin-access-control/desired.ts";
import { ensureOriginAccessControl } from "../../../src/reconcile/origin-access-control/ensure.ts";
import type { StepContext } from "../../../src/reconcile/common/context.ts";
import { sharedOriginAccessControlName } from "../../../src/reconcile/common/naming.ts";
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
async function run(ctx: StepContext, known: { id?: string; inUse?: boolean }) {
  const mark = calls.length;
  const outcome = await ensureOriginAccessControl(ctx, { inUse: false, ...known });
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

async function oacsNamed(name: string): Promise<string[]> {
  const listed = await raw.send(new ListOriginAccessControlsCommand({}));
  return (listed.OriginAccessControlList?.Items ?? []).filter((oac) => oac.Name === name).flatMap((oac) => (oac.Id === undefined ? [] : [oac.Id]));
}

describe("ensureOriginAccessControl", { concurrent: false, shuffle: false }, () => {
  it("creates the cluster's shared s3/sigv4/always OAC under its deterministic name, once", async () => {
    const ctx = context(bucketResource("courses"));
    const first = await run(ctx, {});
    expect(first.mutating).toEqual(["CreateOriginAccessControl"]);
    expect(first.outcome.value.sharedIndex).toBe(1);
    expect(first.outcome.condition).toMatchObject({ type: "OriginAccessReady", status: "True", reason: "InSync", observedGeneration: 1 });
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "created", reason: "OriginAccessControlCreated" })]);
    expect((await readOac(first.outcome.value.id)).config).toEqual({
      Name: sharedOriginAccessControlName(ctx.owner, 1),
      Description: `Shared by the SecuredContentBuckets of cluster ${ctx.owner.cluster}`,
      OriginAccessControlOriginType: "s3",
      SigningBehavior: "always",
      SigningProtocol: "sigv4",
    });
  });

  it("gives another resource the same OAC, found by name: one shared listing, then a read by id to confirm", async () => {
    const videos = context(bucketResource("videos"));
    const again = await run(videos, {});
    expect(await oacsNamed(sharedOriginAccessControlName(videos.owner, 1))).toEqual([again.outcome.value.id]);
    expect(again.mutating).toEqual([]);
    expect(again.calls).toEqual(["ListOriginAccessControls", "GetOriginAccessControl"]);
    expect(videos.notices).toEqual([]);
  });

  it("is one read and no write when in sync with the id from status", async () => {
    const ctx = context(bucketResource("courses"));
    const { outcome } = await run(ctx, {});
    const inSync = await run(ctx, { id: outcome.value.id });
    expect(inSync.calls).toEqual(["GetOriginAccessControl"]);
    expect(inSync.outcome.value.id).toBe(outcome.value.id);
  });

  it("falls back to the shared OAC when the id in status is gone or is not one it may use", async () => {
    const ctx = context(bucketResource("courses"));
    const { outcome } = await run(ctx, {});
    expect((await run(ctx, { id: "E0000000000000" })).outcome.value.id).toBe(outcome.value.id);
    const foreign = await raw.send(
      new CreateOriginAccessControlCommand({
        OriginAccessControlConfig: { Name: "someone-elses", OriginAccessControlOriginType: "s3", SigningBehavior: "always", SigningProtocol: "sigv4" },
      }),
    );
    const notOurs = await run(ctx, { id: foreign.OriginAccessControl?.Id ?? "" });
    expect(notOurs.outcome.value.id).toBe(outcome.value.id);
    expect(notOurs.mutating).toEqual([]);
    expect((await readOac(foreign.OriginAccessControl?.Id ?? "")).config.Name).toBe("someone-elses");
  });

  it("puts drifted signing settings and description back, with IfMatch", async () => {
    const ctx = context(bucketResource("courses"));
    const { id } = (await run(ctx, {})).outcome.value;
    await editByHand(id, { SigningBehavior: "no-override", Description: "edited by hand" });
    const corrected = await run(ctx, { id });
    expect(corrected.calls).toEqual(["GetOriginAccessControl", "UpdateOriginAccessControl"]);
    expect(ctx.notices).toEqual([expect.objectContaining({ kind: "drift", reason: "OriginAccessControlCorrected", drift: "origin-access-control" })]);
    expect((await readOac(id)).config).toMatchObject({ SigningBehavior: "always", Description: `Shared by the SecuredContentBuckets of cluster ${ctx.owner.cluster}` });
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

  it("takes the next shared OAC once the first is known to be full, but keeps a full one a distribution already uses", async () => {
    const ctx = context(bucketResource("lessons"));
    const first = (await run(ctx, {})).outcome.value;
    ctx.fullSharedOriginAccessControls.add(1);
    const next = await run(ctx, { id: first.id, inUse: false });
    expect(next.outcome.value.sharedIndex).toBe(2);
    expect(next.mutating).toEqual(["CreateOriginAccessControl"]);
    expect((await readOac(next.outcome.value.id)).config.Name).toBe(sharedOriginAccessControlName(ctx.owner, 2));
    const kept = await run(ctx, { id: first.id, inUse: true });
    expect(kept.outcome.value).toEqual({ id: first.id, sharedIndex: 1 });
  });

  it("keeps the OAC a resource made for itself before OACs were shared", async () => {
    const ctx = context(bucketResource("archive"));
    const own = await raw.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: ownOriginAccessControl(ctx.owner) }));
    const kept = await run(ctx, { id: own.OriginAccessControl?.Id ?? "", inUse: true });
    expect(kept.outcome.value).toEqual({ id: own.OriginAccessControl?.Id, sharedIndex: undefined });
    expect(kept.mutating).toEqual([]);
  });
});
