import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { describe, expect, it } from "vitest";
import { managedCachePolicyIds } from "../../../src/api/index.ts";
import {
  changedOwnedFields,
  isCallerReferenceOf,
  replacementCallerReference,
  desiredDistributionConfig,
  withOwnedFields,
} from "../../../src/reconcile/distribution/desired.ts";
import { sampleDistributionInputs } from "./distribution-fixtures.ts";

const inputs = sampleDistributionInputs;

describe("desiredDistributionConfig", () => {
  const config = desiredDistributionConfig(inputs);

  it("puts the bucket behind CloudFront with the OAC and no OAI, as the Simple AWS article on Cognito and S3 does", () => {
    expect(config.CallerReference).toBe(inputs.callerReference);
    expect(config.Origins?.Items?.[0]).toMatchObject({
      DomainName: "simple-aws-courses-content.s3.us-east-1.amazonaws.com",
      OriginAccessControlId: "E2QWRUHAPOMQZL",
      S3OriginConfig: { OriginAccessIdentity: "" },
    });
  });

  it("serves https only, allows GET, HEAD and OPTIONS (caching GET and HEAD), and runs the numbered function version on viewer requests", () => {
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: "https-only",
      AllowedMethods: { Quantity: 3, Items: ["GET", "HEAD", "OPTIONS"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } },
      CachePolicyId: managedCachePolicyIds.CachingOptimized,
      Compress: true,
      LambdaFunctionAssociations: {
        Quantity: 1,
        Items: [{ EventType: "viewer-request", LambdaFunctionARN: inputs.viewerRequestFunctionArn, IncludeBody: false }],
      },
    });
  });

  it("uses the certificate for aliases, and the default certificate otherwise", () => {
    expect(config.ViewerCertificate).toMatchObject({ CloudFrontDefaultCertificate: true });
    const withAlias = desiredDistributionConfig({ ...inputs, aliases: ["videos.example.com"], acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" });
    expect(withAlias.Aliases).toEqual({ Quantity: 1, Items: ["videos.example.com"] });
    expect(withAlias.ViewerCertificate).toMatchObject({ SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" });
  });
});

describe("owned fields", () => {
  /** A config as CloudFront might return it: empty Items omitted, defaults added, and someone else's extras. */
  function asReturned(config: DistributionConfig): DistributionConfig {
    const json = JSON.parse(JSON.stringify(config)) as DistributionConfig & Record<string, unknown>;
    json.CacheBehaviors = { Quantity: 0 };
    json.Aliases = { Quantity: 0 };
    json.ContinuousDeploymentPolicyId = "";
    json.Staging = false;
    json.CustomErrorResponses = { Quantity: 1, Items: [{ ErrorCode: 404, ResponsePagePath: "/404.html", ResponseCode: "404" }] };
    const origin = json.Origins?.Items?.[0];
    if (origin) Object.assign(origin, { OriginShield: { Enabled: false }, ConnectionTimeout: 10 });
    return json;
  }

  it("sees no difference between what it created and what CloudFront returns", () => {
    expect(changedOwnedFields(asReturned(desiredDistributionConfig(inputs)), inputs)).toEqual([]);
  });

  it("detects a new function version and changes only owned fields", () => {
    const live = asReturned(desiredDistributionConfig(inputs));
    const next = { ...inputs, viewerRequestFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-learning-courses:4" };
    expect(changedOwnedFields(live, next)).not.toEqual([]);
    const updated = withOwnedFields(live, next);
    expect(updated.DefaultCacheBehavior?.LambdaFunctionAssociations?.Items?.[0]?.LambdaFunctionARN).toMatch(/:4$/);
    expect(updated.CustomErrorResponses).toEqual(live.CustomErrorResponses);
    expect(updated.Origins?.Items?.[0]?.OriginShield).toEqual({ Enabled: false });
    expect(changedOwnedFields(updated, next)).toEqual([]);
  });

  it("restores a removed association and a dropped OAC (drift)", () => {
    const live = asReturned(desiredDistributionConfig(inputs));
    const drifted = JSON.parse(JSON.stringify(live)) as DistributionConfig;
    if (drifted.DefaultCacheBehavior) drifted.DefaultCacheBehavior.LambdaFunctionAssociations = { Quantity: 0 };
    expect(changedOwnedFields(drifted, inputs)).not.toEqual([]);
    const noOac = JSON.parse(JSON.stringify(live)) as DistributionConfig;
    const origin = noOac.Origins?.Items?.[0];
    if (origin) origin.OriginAccessControlId = "";
    expect(changedOwnedFields(noOac, inputs)).not.toEqual([]);
  });

  it("disables the distribution and drops the association for deletion, touching nothing else", () => {
    const live = asReturned(desiredDistributionConfig(inputs));
    const forDeletion = { ...inputs, enabled: false, viewerRequestFunctionArn: undefined };
    const disabled = withOwnedFields(live, forDeletion);
    expect(disabled.Enabled).toBe(false);
    expect(disabled.DefaultCacheBehavior?.LambdaFunctionAssociations).toEqual({ Quantity: 0, Items: [] });
    expect(disabled.CustomErrorResponses).toEqual(live.CustomErrorResponses);
    expect(changedOwnedFields(live, forDeletion)).not.toEqual([]);
    expect(changedOwnedFields(disabled, forDeletion)).toEqual([]);
  });
});

describe("caller references", () => {
  const uid = "0b7e3c1a-1111-2222-3333-444455556666";

  it("names the replaced distribution, so a retry after a crash asks for the same replacement", () => {
    expect(replacementCallerReference(uid, "E2QWRUHAPOMQZL")).toBe(`${uid}/replaces/E2QWRUHAPOMQZL`);
    expect(replacementCallerReference(uid, "E2QWRUHAPOMQZL")).toBe(replacementCallerReference(uid, "E2QWRUHAPOMQZL"));
  });

  it("recognises this resource's first distribution and its replacements, and nothing else", () => {
    expect(isCallerReferenceOf(uid, uid)).toBe(true);
    expect(isCallerReferenceOf(replacementCallerReference(uid, "E1"), uid)).toBe(true);
    expect(isCallerReferenceOf("0b7e3c1a-1111-2222-3333-444455556667", uid)).toBe(false);
    expect(isCallerReferenceOf(`${uid}-copy`, uid)).toBe(false);
    expect(isCallerReferenceOf(undefined, uid)).toBe(false);
  });
});
