// Patch cloudfront_config_fields: every setting the operator writes comes back from every read.
import {
  CreateDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  awsError,
  cachingOptimized,
  clients,
  createDistribution,
  createOriginAccessControl,
  edgeFunctionArn,
  operatorDistributionConfig,
  required,
} from "./fixtures.ts";

describe("CloudFront distribution config fields", () => {
  const { cloudFront } = clients(inject("harness"));
  let oacId = "";

  beforeAll(async () => {
    oacId = (await createOriginAccessControl(cloudFront, "fields-oac")).id;
  });

  const expectOperatorFields = (config: DistributionConfig | undefined, functionArn: string): void => {
    const origin = config?.Origins?.Items?.[0];
    expect(origin?.OriginAccessControlId).toBe(oacId);
    // OriginReadTimeout is CloudFront's default, filled in by cloudfront_defaults.
    expect(origin?.S3OriginConfig).toEqual({ OriginAccessIdentity: "", OriginReadTimeout: 30 });
    expect(config?.DefaultCacheBehavior?.LambdaFunctionAssociations).toEqual({
      Quantity: 1,
      Items: [{ EventType: "viewer-request", LambdaFunctionARN: functionArn, IncludeBody: false }],
    });
  };

  it("keeps the OAC, the empty OAI and the viewer-request association in create, get, get-config and list", async () => {
    const config = operatorDistributionConfig({ callerReference: "fields-1", bucket: "fields-bucket", originAccessControlId: oacId });
    const created = await createDistribution(cloudFront, config);
    expectOperatorFields(created.distribution.DistributionConfig, edgeFunctionArn(1));

    const read = await cloudFront.send(new GetDistributionCommand({ Id: created.id }));
    expectOperatorFields(read.Distribution?.DistributionConfig, edgeFunctionArn(1));
    const readConfig = await cloudFront.send(new GetDistributionConfigCommand({ Id: created.id }));
    expectOperatorFields(readConfig.DistributionConfig, edgeFunctionArn(1));

    const listed = await cloudFront.send(new ListDistributionsCommand({}));
    expect(listed.DistributionList?.Items?.find((d) => d.Id === created.id)).toMatchObject({
      Origins: { Items: [{ OriginAccessControlId: oacId, S3OriginConfig: { OriginAccessIdentity: "" } }] },
      DefaultCacheBehavior: { LambdaFunctionAssociations: { Quantity: 1, Items: [{ LambdaFunctionARN: edgeFunctionArn(1) }] } },
    });
  });

  it("keeps them through CreateDistribution without tags as well", async () => {
    const config = operatorDistributionConfig({ callerReference: "fields-plain", bucket: "fields-bucket", originAccessControlId: oacId });
    const created = await cloudFront.send(new CreateDistributionCommand({ DistributionConfig: config }));
    expectOperatorFields(created.Distribution?.DistributionConfig, edgeFunctionArn(1));
  });

  it("returns every setting the operator owns unchanged after an update", async () => {
    const created = await createDistribution(
      cloudFront,
      operatorDistributionConfig({ callerReference: "fields-2", bucket: "fields-bucket", originAccessControlId: oacId }),
    );
    const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: created.id }));
    const base = required(current.DistributionConfig, "config");
    const wanted: DistributionConfig = {
      ...base,
      Comment: "courses for paid students",
      PriceClass: "PriceClass_200",
      Aliases: { Quantity: 1, Items: ["videos.example.com"] },
      ViewerCertificate: {
        ACMCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f3d6a41-example",
        SSLSupportMethod: "sni-only",
        MinimumProtocolVersion: "TLSv1.2_2021",
        CloudFrontDefaultCertificate: false,
      },
      WebACLId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/courses/abcd",
      Logging: { Enabled: true, IncludeCookies: false, Bucket: "access-logs.s3.amazonaws.com", Prefix: "courses/" },
      HttpVersion: "http2and3",
      IsIPV6Enabled: false,
      DefaultCacheBehavior: {
        ...required(base.DefaultCacheBehavior, "default behaviour"),
        ViewerProtocolPolicy: "https-only",
        Compress: false,
        CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        AllowedMethods: { Quantity: 3, Items: ["GET", "HEAD", "OPTIONS"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } },
        LambdaFunctionAssociations: {
          Quantity: 1,
          Items: [{ EventType: "viewer-request", LambdaFunctionARN: edgeFunctionArn(2), IncludeBody: false }],
        },
      },
    };
    await cloudFront.send(new UpdateDistributionCommand({ Id: created.id, IfMatch: current.ETag, DistributionConfig: wanted }));

    const after = required((await cloudFront.send(new GetDistributionConfigCommand({ Id: created.id }))).DistributionConfig, "config");
    expectOperatorFields(after, edgeFunctionArn(2));
    expect(after).toMatchObject({
      Comment: wanted.Comment,
      PriceClass: wanted.PriceClass,
      Aliases: wanted.Aliases,
      ViewerCertificate: { ...wanted.ViewerCertificate, CertificateSource: "acm" },
      WebACLId: wanted.WebACLId,
      Logging: wanted.Logging,
      HttpVersion: wanted.HttpVersion,
      IsIPV6Enabled: false,
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: "https-only",
        Compress: false,
        CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        // The same sets, in CloudFront's order (cloudfront_set_order).
        AllowedMethods: { Quantity: 3, Items: ["HEAD", "GET", "OPTIONS"], CachedMethods: { Quantity: 2, Items: ["HEAD", "GET"] } },
      },
    });
  });

  it("returns a config that UpdateDistribution accepts back unchanged, with no invented ForwardedValues", async () => {
    const created = await createDistribution(
      cloudFront,
      operatorDistributionConfig({ callerReference: "fields-3", bucket: "fields-bucket", originAccessControlId: oacId }),
    );
    const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: created.id }));
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy field is what must be absent
    expect(current.DistributionConfig?.DefaultCacheBehavior?.ForwardedValues).toBeUndefined();
    await cloudFront.send(
      new UpdateDistributionCommand({ Id: created.id, IfMatch: current.ETag, DistributionConfig: current.DistributionConfig }),
    );
  });

  it("rejects ForwardedValues next to a cache policy with InvalidArgument, as AWS does", async () => {
    const config = operatorDistributionConfig({ callerReference: "fields-4", bucket: "fields-bucket", originAccessControlId: oacId });
    const behaviour = required(config.DefaultCacheBehavior, "default behaviour");
    const withLegacy = {
      ...config,
      DefaultCacheBehavior: {
        ...behaviour,
        CachePolicyId: cachingOptimized,
        ForwardedValues: { QueryString: false, Cookies: { Forward: "none" as const } },
      },
    };
    expect(await awsError(createDistribution(cloudFront, withLegacy))).toEqual({ name: "InvalidArgument", status: 400 });
  });

  it.each([
    ["$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:securedcontent-edge-auth:$LATEST"],
    ["an unqualified ARN", "arn:aws:lambda:us-east-1:123456789012:function:securedcontent-edge-auth"],
    ["a function outside us-east-1", "arn:aws:lambda:eu-west-1:123456789012:function:securedcontent-edge-auth:3"],
  ])("rejects a viewer-request association naming %s with InvalidLambdaFunctionAssociation", async (_, functionArn) => {
    const config = operatorDistributionConfig({ callerReference: `fields-arn-${functionArn}`, bucket: "fields-bucket", originAccessControlId: oacId, functionArn });
    expect(await awsError(createDistribution(cloudFront, config))).toEqual({ name: "InvalidLambdaFunctionAssociation", status: 400 });
  });

  it("tags a distribution at creation and through TagResource and UntagResource", async () => {
    const created = await createDistribution(
      cloudFront,
      operatorDistributionConfig({ callerReference: "fields-5", bucket: "fields-bucket", originAccessControlId: oacId }),
      [{ Key: "securedcontent.io/owner", Value: "learning/courses" }],
    );
    const tagsOf = async () => (await cloudFront.send(new ListTagsForResourceCommand({ Resource: created.arn }))).Tags?.Items;
    expect(await tagsOf()).toEqual([{ Key: "securedcontent.io/owner", Value: "learning/courses" }]);

    await cloudFront.send(new TagResourceCommand({ Resource: created.arn, Tags: { Items: [{ Key: "securedcontent.io/cluster", Value: "dev" }] } }));
    expect(await tagsOf()).toEqual(
      expect.arrayContaining([
        { Key: "securedcontent.io/owner", Value: "learning/courses" },
        { Key: "securedcontent.io/cluster", Value: "dev" },
      ]),
    );
    await cloudFront.send(new UntagResourceCommand({ Resource: created.arn, TagKeys: { Items: ["securedcontent.io/cluster"] } }));
    expect(await tagsOf()).toEqual([{ Key: "securedcontent.io/owner", Value: "learning/courses" }]);
  });
});
