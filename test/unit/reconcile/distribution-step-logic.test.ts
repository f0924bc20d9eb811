import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { describe, expect, it } from "vitest";
import { managedCachePolicyIds, parseSecuredContentBucket, type SecuredContentBucket } from "../../../src/api/index.ts";
import {
  changedOwnedFields,
  desiredDistributionConfig,
  distributionInputs,
  withOwnedFields,
} from "../../../src/reconcile/distribution/desired.ts";
import { addedAliases, isMaskedId, withoutAddedAliases } from "../../../src/reconcile/distribution/aliases.ts";
import { distributionIdInMessage } from "../../../src/reconcile/distribution/ensure.ts";
import type { LiveDistribution } from "../../../src/reconcile/distribution/read.ts";
import { desiredFor, driftedSettings, ownOriginAccessControl, sharedOriginAccessControl } from "../../../src/reconcile/origin-access-control/desired.ts";
import { firstOpenIndex } from "../../../src/reconcile/origin-access-control/ensure.ts";
import {
  legacySharedOriginAccessControlIndex,
  legacySharedOriginAccessControlName,
  sharedOriginAccessControlIndex,
  sharedOriginAccessControlName,
} from "../../../src/reconcile/common/naming.ts";

function resource(distribution: Record<string, unknown> = {}): SecuredContentBucket {
  const parsed = parseSecuredContentBucket({
    metadata: { name: "courses", namespace: "learning", uid: "0b7e3c1a-1111-2222-3333-444455556666", resourceVersion: "1", generation: 1 },
    spec: {
      bucket: { name: "simple-aws-courses-content", region: "eu-west-1" },
      auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["abc123"], requiredGroups: ["students"] },
      distribution,
    },
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const facts = {
  originAccessControlId: "E2QWRUHAPOMQZL",
  viewerRequestFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-learning-courses:3",
  responseHeadersPolicyId: "5c5a6e1f-0b7e-4c3a-9d2e-111122223333",
};

describe("distributionInputs", () => {
  it("fits the default comment into CloudFront's 128 characters when namespace and name are long", () => {
    const long = parseSecuredContentBucket({
      metadata: { name: "x".repeat(200), namespace: "n".repeat(63), uid: "u", resourceVersion: "1", generation: 1 },
      spec: { bucket: { name: "b-content", region: "eu-west-1" }, auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["abc123"], requiredGroups: ["students"] } },
    });
    if (!long.ok) throw long.error;
    const { comment } = distributionInputs(long.value, facts);
    expect(comment).toHaveLength(128);
    expect(comment.startsWith(`${"n".repeat(63)}/x`)).toBe(true);
  });

  it("fills the spec's defaults: the uid as caller reference, <namespace>/<name> as comment, no logging", () => {
    expect(distributionInputs(resource(), facts)).toEqual({
      callerReference: "0b7e3c1a-1111-2222-3333-444455556666",
      bucket: "simple-aws-courses-content",
      bucketRegion: "eu-west-1",
      ...facts,
      priceClass: "PriceClass_100",
      aliases: [],
      acmCertificateArn: "",
      webAclArn: "",
      cachePolicy: "CachingOptimized",
      compress: true,
      logging: { bucket: "", prefix: "" },
      comment: "learning/courses",
      enabled: true,
    });
  });

  it("names the log bucket by its global S3 domain, as CloudFront wants it, and passes the rest of the spec on", () => {
    const inputs = distributionInputs(
      resource({
        priceClass: "PriceClass_All",
        aliases: ["videos.example.com"],
        acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/courses/0123",
        cachePolicy: "CachingDisabled",
        compress: false,
        logging: { bucket: "courses-logs", prefix: "cloudfront/" },
        comment: "Courses",
      }),
      facts,
    );
    expect(inputs.logging).toEqual({ bucket: "courses-logs.s3.amazonaws.com", prefix: "cloudfront/" });
    expect(inputs).toMatchObject({ priceClass: "PriceClass_All", aliases: ["videos.example.com"], compress: false, comment: "Courses" });
    expect(desiredDistributionConfig(inputs).DefaultCacheBehavior?.CachePolicyId).toBe(managedCachePolicyIds.CachingDisabled);
    expect(desiredDistributionConfig(inputs).WebACLId).toBe("arn:aws:wafv2:us-east-1:123456789012:global/webacl/courses/0123");
  });
});

describe("changedOwnedFields", () => {
  const inputs = distributionInputs(resource(), facts);
  const live = (): DistributionConfig => JSON.parse(JSON.stringify(desiredDistributionConfig(inputs))) as DistributionConfig;

  it("is empty for what we created", () => {
    expect(changedOwnedFields(live(), inputs)).toEqual([]);
  });

  it("names only the association when the function version moves", () => {
    const next = { ...inputs, viewerRequestFunctionArn: facts.viewerRequestFunctionArn.replace(/:3$/, ":4") };
    expect(changedOwnedFields(live(), next)).toEqual(["DefaultCacheBehavior.LambdaFunctionAssociations"]);
  });

  it("names each drifted field, in the origin, the behaviour and at the top", () => {
    const drifted = live();
    drifted.Comment = "changed by hand";
    drifted.DefaultCacheBehavior = { ...drifted.DefaultCacheBehavior, ViewerProtocolPolicy: "allow-all" } as DistributionConfig["DefaultCacheBehavior"];
    const origin = drifted.Origins?.Items?.[0];
    if (origin) origin.OriginAccessControlId = "";
    expect(changedOwnedFields(drifted, inputs).sort()).toEqual(["Comment", "DefaultCacheBehavior.ViewerProtocolPolicy", "Origin.OriginAccessControlId"]);
    expect(changedOwnedFields(withOwnedFields(drifted, inputs), inputs)).toEqual([]);
  });
});

describe("distributionIdInMessage", () => {
  it("takes the id CloudFront puts at the end of DistributionAlreadyExists", () => {
    const message =
      "cloudfront:CreateDistributionWithTags failed with DistributionAlreadyExists: The caller reference that you are using to create a distribution is associated with another distribution. Already exists: E2QWRUHAPOMQZL";
    expect(distributionIdInMessage(message)).toBe("E2QWRUHAPOMQZL");
    expect(distributionIdInMessage(`${message}.`)).toBe("E2QWRUHAPOMQZL");
  });

  it("finds nothing in a message without an id", () => {
    expect(distributionIdInMessage("The caller reference is associated with another distribution.")).toBeUndefined();
  });
});

describe("origin access control settings", () => {
  const prodUid = "5f3c2b10-aaaa-4bbb-8ccc-0123456789ab";
  const prod = { cluster: "prod", clusterUid: prodUid };
  const owner = { ...prod, namespace: "learning", name: "courses", uid: "0b7e3c1a" };
  const desired = sharedOriginAccessControl(prod, 1);

  it("signs S3 requests always, with sigv4, under a name per cluster and number", () => {
    expect(desired).toMatchObject({ OriginAccessControlOriginType: "s3", SigningBehavior: "always", SigningProtocol: "sigv4" });
    expect(desired.Name).toMatch(/^scb-shared-prod-[0-9a-f]{8}-1$/);
    expect(sharedOriginAccessControl(prod, 2).Name).toMatch(/-2$/);
    expect(sharedOriginAccessControl({ ...prod, cluster: "staging" }, 1).Name).not.toBe(desired.Name);
    // Another cluster of the same CLUSTER_NAME: another uid, another name.
    expect(sharedOriginAccessControl({ ...prod, clusterUid: "77aa0c3e-dddd-4eee-8fff-ba9876543210" }, 1).Name).not.toBe(desired.Name);
    expect(sharedOriginAccessControlName({ cluster: "c".repeat(64), clusterUid: prodUid }, 999_999).length).toBeLessThanOrEqual(64);
  });

  it("recognizes its cluster's shared OACs and a resource's own, and nothing else", () => {
    const twin = { ...prod, clusterUid: "77aa0c3e-dddd-4eee-8fff-ba9876543210" };
    expect(sharedOriginAccessControlIndex(prod, sharedOriginAccessControlName(prod, 7))).toBe(7);
    expect(sharedOriginAccessControlIndex(prod, sharedOriginAccessControlName({ ...prod, cluster: "staging" }, 7))).toBeUndefined();
    expect(sharedOriginAccessControlIndex(prod, sharedOriginAccessControlName(twin, 7))).toBeUndefined();
    expect(sharedOriginAccessControlIndex(prod, "scb-shared-prod-00000000-1")).toBeUndefined();
    expect(desiredFor(owner, desired.Name)).toEqual(desired);
    expect(desiredFor(owner, ownOriginAccessControl(owner).Name)).toEqual(ownOriginAccessControl(owner));
    expect(desiredFor(owner, ownOriginAccessControl({ ...owner, name: "videos" }).Name)).toBeUndefined();
    expect(desiredFor(owner, "someone-elses")).toBeUndefined();
  });

  it("keeps a shared OAC named before the cluster uid only where the distribution already uses it", () => {
    const legacy = legacySharedOriginAccessControlName(prod, 1);
    expect(legacySharedOriginAccessControlIndex(prod, legacy)).toBe(1);
    expect(desiredFor(owner, legacy)).toBeUndefined();
    expect(desiredFor(owner, legacy, { legacy: true })?.Name).toBe(legacy);
  });

  it("takes the first shared OAC not known to be full", () => {
    expect(firstOpenIndex(new Set())).toBe(1);
    expect(firstOpenIndex(new Set([1, 2, 4]))).toBe(3);
  });

  it("names the settings that drifted, and an absent description counts as empty", () => {
    expect(driftedSettings(desired, desired)).toEqual([]);
    expect(driftedSettings({ ...desired, SigningBehavior: "no-override", Description: "" }, desired)).toEqual(["Description", "SigningBehavior"]);
    expect(driftedSettings({ ...desired, Description: "" }, { ...desired, Description: "" })).toEqual([]);
  });
});

describe("owned fields as CloudFront returns them", () => {
  const inputs = distributionInputs(resource(), facts);

  it("ignores the certificate fields CloudFront derives for the default certificate", () => {
    const live = desiredDistributionConfig(inputs);
    live.ViewerCertificate = {
      CloudFrontDefaultCertificate: true,
      IAMCertificateId: "",
      ACMCertificateArn: "",
      SSLSupportMethod: "vip",
      MinimumProtocolVersion: "TLSv1",
      Certificate: "",
      CertificateSource: "cloudfront",
    };
    expect(changedOwnedFields(live, inputs)).toEqual([]);
  });

  it("compares an ACM certificate by ARN, support method and protocol version", () => {
    const certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
    const withAlias = { ...inputs, aliases: ["videos.example.com"], acmCertificateArn: certificate };
    const live = desiredDistributionConfig(withAlias);
    live.ViewerCertificate = { ...live.ViewerCertificate, Certificate: certificate, CertificateSource: "acm" };
    expect(changedOwnedFields(live, withAlias)).toEqual([]);
    expect(changedOwnedFields(live, { ...withAlias, acmCertificateArn: `${certificate}-new` })).toEqual(["ViewerCertificate"]);
  });

  it("drops legacy ForwardedValues when it puts the cache policy back, since CloudFront refuses both", () => {
    const live = desiredDistributionConfig(inputs);
    const legacy = { ...live.DefaultCacheBehavior, CachePolicyId: undefined, ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } } };
    live.DefaultCacheBehavior = legacy as DistributionConfig["DefaultCacheBehavior"];
    expect(changedOwnedFields(live, inputs)).toEqual(["DefaultCacheBehavior.CachePolicyId"]);
    const corrected = withOwnedFields(live, inputs).DefaultCacheBehavior;
    expect(corrected?.CachePolicyId).toBe(managedCachePolicyIds.CachingOptimized);
    expect(corrected).not.toHaveProperty("ForwardedValues");
  });
});

describe("alias checks", () => {
  const id = "E2QWRUHEXAMPLE";
  const live = (aliases: readonly string[]): LiveDistribution => ({
    state: { id, arn: `arn:aws:cloudfront::123456789012:distribution/${id}`, domainName: "d.cloudfront.net", status: "Deployed" },
    config: { Aliases: { Quantity: aliases.length, Items: [...aliases] } } as LiveDistribution["config"],
    etag: "E1",
  });

  it("recognises this distribution in a partially hidden id, and nothing else", () => {
    expect(isMaskedId(`*******${id.slice(-7)}`, id)).toBe(true);
    expect(isMaskedId("*******ZEXAMPL", id)).toBe(false);
    expect(isMaskedId(`******${id.slice(-7)}`, id)).toBe(false);
    expect(isMaskedId("*".repeat(id.length), id)).toBe(false);
    expect(isMaskedId(undefined, id)).toBe(false);
  });

  it("checks only the aliases the distribution does not carry yet, and withholds them until checked", () => {
    const inputs = distributionInputs(
      resource({ aliases: ["courses.example.com", "videos.example.com"], acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b" }),
      facts,
    );
    expect(addedAliases(live(["courses.example.com"]), inputs)).toEqual(["videos.example.com"]);
    expect(withoutAddedAliases(live(["courses.example.com"]), inputs).aliases).toEqual(["courses.example.com"]);
    expect(withoutAddedAliases(undefined, inputs).aliases).toEqual([]);
  });
});
