import { describe, expect, it } from "vitest";
import { parseSecuredContentBucket, type SecuredContentBucket, type SecuredContentBucketStatus } from "../../../src/api/index.ts";
import { choosePass, PassHistory, specDigest, type FullPassRecord } from "../../../src/reconcile/passes.ts";

const uid = "0b7e3c1a-1111-2222-3333-444455556666";
const timings = { now: 1_000_000, fullResyncMs: 600_000, exposureResyncMs: 60_000 };

const deployedStatus: SecuredContentBucketStatus = {
  distribution: { id: "E2EXAMPLE", arn: "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE", domainName: "d1.cloudfront.net", status: "Deployed" },
  originAccessControlId: "EOAC",
  responseHeadersPolicyId: "5c5a6e1f-0b7e-4c3a-9d2e-111122223333",
  edgeFunction: { name: "scb-edge-x", arn: "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-x", version: "3" },
  conditions: [{ type: "Ready", status: "True", reason: "Ready", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }],
};

function resource(status: SecuredContentBucketStatus = deployedStatus, generation = 2): SecuredContentBucket {
  const parsed = parseSecuredContentBucket({
    metadata: { name: "courses", namespace: "learning", uid, resourceVersion: "7", generation },
    spec: { bucket: { name: "courses-content", region: "us-east-1" }, auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["abc"], requiredGroups: ["students"] } },
    status,
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** The deployed status without one field. */
function without(field: "distribution" | "edgeFunction" | "responseHeadersPolicyId"): SecuredContentBucketStatus {
  return Object.fromEntries(Object.entries(deployedStatus).filter(([key]) => key !== field));
}

/** What the full pass that wrote deployedStatus verified. */
const verified = {
  distributionId: "E2EXAMPLE",
  distributionArn: "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE",
  originAccessControlId: "EOAC",
  viewerRequestFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-x:3",
  responseHeadersPolicyId: "5c5a6e1f-0b7e-4c3a-9d2e-111122223333",
};

function record(fields: Partial<FullPassRecord> = {}): FullPassRecord {
  return { uid, generation: 2, at: timings.now - 1_000, outcome: "ready", exposureReadAt: timings.now - 1_000, verified, ...fields };
}

describe("choosePass", () => {
  it("runs a full pass when this process has no memory of the resource (a new leader, a restart)", () => {
    expect(choosePass(resource(), undefined, timings)).toEqual({ kind: "full" });
  });

  it("runs a full pass once FULL_RESYNC has passed since the last one", () => {
    expect(choosePass(resource(), record({ at: timings.now - timings.fullResyncMs }), timings)).toEqual({ kind: "full" });
    expect(choosePass(resource(), record({ at: timings.now - timings.fullResyncMs + 1 }), timings).kind).toBe("exposure");
  });

  it("runs a full pass after a spec change, or for a new object of the same name", () => {
    expect(choosePass(resource(deployedStatus, 3), record(), timings)).toEqual({ kind: "full" });
    expect(choosePass(resource(), record({ uid: "another" }), timings)).toEqual({ kind: "full" });
  });

  it("re-reads only exposure while the last full pass left the resource Ready", () => {
    expect(choosePass(resource(), record(), timings)).toEqual({ kind: "exposure", distributionArn: deployedStatus.distribution?.arn });
  });

  it("runs a full pass when status does not say Ready, or when the last full pass verified no distribution", () => {
    const notReady = { ...deployedStatus, conditions: [{ type: "Ready", status: "False" as const, reason: "Deploying", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }] };
    expect(choosePass(resource(notReady), record(), timings)).toEqual({ kind: "full" });
    expect(choosePass(resource(without("distribution")), record({ verified: {} }), timings)).toEqual({ kind: "full" });
  });

  it("never takes an id from status: one that differs from what the full pass verified makes a full pass that reports it", () => {
    const forged = "arn:aws:cloudfront::123456789012:distribution/ECOMPANYSITE";
    const own = { id: "E2EXAMPLE", arn: verified.distributionArn, domainName: "d1.cloudfront.net", status: "Deployed" as const };
    const forgedArn = { ...deployedStatus, distribution: { ...own, arn: forged } };
    expect(choosePass(resource(forgedArn), record(), timings)).toEqual({ kind: "full", untrusted: ["status.distribution.arn"] });
    const forgedId = { ...deployedStatus, distribution: { ...own, id: "ECOMPANYSITE" } };
    expect(choosePass(resource(forgedId), record({ outcome: "deploying" }), timings)).toEqual({ kind: "full", untrusted: ["status.distribution.id"] });
    const forgedEdge = { ...deployedStatus, originAccessControlId: "EOTHER", edgeFunction: { name: "scb-edge-x", arn: "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-x", version: "9" } };
    expect(choosePass(resource(forgedEdge), record(), timings)).toEqual({ kind: "full", untrusted: ["status.originAccessControlId", "status.edgeFunction"] });
    expect(choosePass(resource(without("distribution")), record(), timings)).toEqual({ kind: "full", untrusted: ["status.distribution.id", "status.distribution.arn"] });
  });

  it("follows the deployment with the verified ids, re-reading exposure only once half an exposure interval has passed", () => {
    const recent = choosePass(resource(), record({ outcome: "deploying", exposureReadAt: timings.now - 29_999 }), timings);
    expect(recent).toEqual({
      kind: "deploying",
      inputs: {
        distributionId: "E2EXAMPLE",
        originAccessControlId: "EOAC",
        viewerRequestFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-x:3",
        responseHeadersPolicyId: "5c5a6e1f-0b7e-4c3a-9d2e-111122223333",
      },
      exposureDue: false,
    });
    const due = choosePass(resource(), record({ outcome: "deploying", exposureReadAt: timings.now - 30_000 }), timings);
    expect(due).toMatchObject({ kind: "deploying", exposureDue: true });
  });

  it("runs a full pass while deploying when the last full pass did not verify an id the deploying pass needs", () => {
    const withoutFunction = { distributionId: verified.distributionId, distributionArn: verified.distributionArn, originAccessControlId: verified.originAccessControlId };
    expect(choosePass(resource(without("edgeFunction")), record({ outcome: "deploying", verified: withoutFunction }), timings)).toEqual({ kind: "full" });
    // A full pass from before the operator managed a response headers policy.
    const withoutPolicy = { ...withoutFunction, viewerRequestFunctionArn: verified.viewerRequestFunctionArn };
    expect(choosePass(resource(without("responseHeadersPolicyId")), record({ outcome: "deploying", verified: withoutPolicy }), timings)).toEqual({ kind: "full" });
  });
});

describe("choosePass after a class changed the effective spec", () => {
  it("runs a full pass when the spec differs from the one the last full pass converged to, at the same generation", () => {
    const scb = resource();
    const last = record({ specDigest: specDigest(scb) });
    expect(choosePass(scb, last, timings).kind).toBe("exposure");
    const withClassDefault = { ...scb, spec: { ...scb.spec, distribution: { ...scb.spec.distribution, priceClass: "PriceClass_All" as const } } };
    expect(choosePass(withClassDefault, last, timings)).toEqual({ kind: "full" });
  });
});

describe("PassHistory", () => {
  it("remembers a full pass that ended ready or deploying, and forgets one that did not", () => {
    const history = new PassHistory();
    const scb = resource();
    history.recordFullPass(scb, "deploying", 5, verified);
    expect(history.get(scb)).toEqual({ uid, generation: 2, at: 5, outcome: "deploying", exposureReadAt: 5, verified, specDigest: specDigest(scb) });
    history.recordFullPass(scb, undefined, 6);
    expect(history.get(scb)).toBeUndefined();
  });

  it("moves a deploying record to ready once deployed, keeping when the full pass ran", () => {
    const history = new PassHistory();
    const scb = resource();
    history.recordFullPass(scb, "deploying", 5, verified);
    history.recordDeployingPass(scb, false, 9);
    expect(history.get(scb)).toMatchObject({ at: 5, outcome: "deploying", exposureReadAt: 9 });
    history.recordDeployingPass(scb, true, undefined, { id: "EREPLACED", arn: "arn:aws:cloudfront::123456789012:distribution/EREPLACED" });
    expect(history.get(scb)).toMatchObject({ at: 5, outcome: "ready", exposureReadAt: 9, verified: { distributionId: "EREPLACED", originAccessControlId: "EOAC" } });
    history.forget(scb);
    history.recordDeployingPass(scb, true, 10);
    expect(history.get(scb)).toBeUndefined();
  });
});
