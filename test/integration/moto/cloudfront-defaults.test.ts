// Patch cloudfront_defaults: fields the operator never sends come back with CloudFront's defaults, and the
// legacy fields a cache-policy behaviour did not send are not returned (evidence in the patch's header).
import {
  CreateDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clients, createOriginAccessControl, operatorDistributionConfig, required } from "./fixtures.ts";

describe("CloudFront defaults in distribution configs", () => {
  const { cloudFront } = clients(inject("harness"));
  let oacId = "";

  beforeAll(async () => {
    oacId = (await createOriginAccessControl(cloudFront, "defaults-oac")).id;
  });

  const config = (callerReference: string): DistributionConfig =>
    operatorDistributionConfig({ callerReference, bucket: "defaults-bucket", originAccessControlId: oacId });

  const expectOriginDefaults = (returned: DistributionConfig | undefined): void => {
    const origin = returned?.Origins?.Items?.[0];
    expect(origin?.S3OriginConfig).toEqual({ OriginAccessIdentity: "", OriginReadTimeout: 30 });
    expect(origin).toMatchObject({ ConnectionAttempts: 3, ConnectionTimeout: 10, OriginShield: { Enabled: false }, OriginAccessControlId: oacId });
    expect(origin?.CustomHeaders).toEqual({ Quantity: 0 });
  };

  const expectBehaviourDefaults = (returned: DistributionConfig | undefined): void => {
    const behaviour = returned?.DefaultCacheBehavior;
    expect(behaviour).toMatchObject({
      TrustedKeyGroups: { Enabled: false, Quantity: 0 },
      FunctionAssociations: { Quantity: 0 },
      FieldLevelEncryptionId: "",
      GrpcConfig: { Enabled: false },
    });
    expect(behaviour?.TrustedKeyGroups?.Items).toBeUndefined();
    // A cache-policy behaviour that did not send the legacy fields does not get them back.
    expect(behaviour?.TrustedSigners).toBeUndefined();
    expect(behaviour?.SmoothStreaming).toBeUndefined();
    expect(behaviour?.RealtimeLogConfigArn).toBeUndefined();
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy fields are what must be absent
    expect([behaviour?.MinTTL, behaviour?.DefaultTTL, behaviour?.MaxTTL]).toEqual([undefined, undefined, undefined]);
  };

  const expectCloudFrontDefaults = (returned: DistributionConfig | undefined): void => {
    expectOriginDefaults(returned);
    expectBehaviourDefaults(returned);
    expect(returned?.ViewerCertificate).toEqual({
      CloudFrontDefaultCertificate: true,
      SSLSupportMethod: "sni-only",
      MinimumProtocolVersion: "TLSv1",
      CertificateSource: "cloudfront",
    });
  };

  it("fills them in on CreateDistribution, GetDistribution, GetDistributionConfig and ListDistributions", async () => {
    const created = await cloudFront.send(new CreateDistributionCommand({ DistributionConfig: config("defaults-1") }));
    expectCloudFrontDefaults(created.Distribution?.DistributionConfig);
    const id = required(created.Distribution?.Id, "id");
    expectCloudFrontDefaults((await cloudFront.send(new GetDistributionCommand({ Id: id }))).Distribution?.DistributionConfig);
    expectCloudFrontDefaults((await cloudFront.send(new GetDistributionConfigCommand({ Id: id }))).DistributionConfig);
    const listed = (await cloudFront.send(new ListDistributionsCommand({}))).DistributionList?.Items?.find((d) => d.Id === id);
    expect(listed?.Origins?.Items?.[0]?.S3OriginConfig).toEqual({ OriginAccessIdentity: "", OriginReadTimeout: 30 });
  });

  it("fills them in again on an UpdateDistribution that leaves them out", async () => {
    const created = await cloudFront.send(new CreateDistributionCommand({ DistributionConfig: config("defaults-2") }));
    const updated = await cloudFront.send(
      new UpdateDistributionCommand({ Id: created.Distribution?.Id, IfMatch: created.ETag, DistributionConfig: { ...config("defaults-2"), Comment: "changed" } }),
    );
    expectCloudFrontDefaults(updated.Distribution?.DistributionConfig);
  });

  it("defaults Compress to false when it is not sent, and keeps what was sent", async () => {
    const sent = config("defaults-3");
    const withoutCompress = { ...required(sent.DefaultCacheBehavior, "behaviour") };
    delete withoutCompress.Compress;
    const created = await cloudFront.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          ...sent,
          Origins: { Quantity: 1, Items: [{ ...required(sent.Origins?.Items?.[0], "origin"), S3OriginConfig: { OriginAccessIdentity: "", OriginReadTimeout: 45 } }] },
          DefaultCacheBehavior: { ...withoutCompress, SmoothStreaming: true, GrpcConfig: { Enabled: false } },
        },
      }),
    );
    const behaviour = created.Distribution?.DistributionConfig?.DefaultCacheBehavior;
    expect(behaviour?.Compress).toBe(false);
    expect(behaviour?.SmoothStreaming).toBe(true);
    expect(created.Distribution?.DistributionConfig?.Origins?.Items?.[0]?.S3OriginConfig?.OriginReadTimeout).toBe(45);
  });

  it("accepts the config it returned as an update, unchanged", async () => {
    const created = await cloudFront.send(new CreateDistributionCommand({ DistributionConfig: config("defaults-4") }));
    const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: created.Distribution?.Id }));
    const updated = await cloudFront.send(
      new UpdateDistributionCommand({ Id: created.Distribution?.Id, IfMatch: current.ETag, DistributionConfig: current.DistributionConfig }),
    );
    expect(updated.Distribution?.DistributionConfig).toEqual(current.DistributionConfig);
  });
});
