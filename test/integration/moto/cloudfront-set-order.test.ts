// Patch cloudfront_set_order: AllowedMethods, CachedMethods and Aliases come back in CloudFront's order, not
// in the order sent, so a comparison that depends on order sees a difference (evidence in the patch's header).
import {
  CreateDistributionCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
  type Method,
} from "@aws-sdk/client-cloudfront";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { setMotoTransition, unsetMotoTransition } from "../../harness/moto.ts";
import { clients, createOriginAccessControl, operatorDistributionConfig, required } from "./fixtures.ts";

describe("CloudFront order of set-like lists", () => {
  const env = inject("harness");
  const { cloudFront } = clients(env);
  let oacId = "";

  beforeAll(async () => {
    oacId = (await createOriginAccessControl(cloudFront, "order-oac")).id;
  });

  const withLists = (callerReference: string, methods: Method[], cached: Method[], aliases: string[]): DistributionConfig => {
    const config = operatorDistributionConfig({ callerReference, bucket: "order-bucket", originAccessControlId: oacId });
    const behaviour = required(config.DefaultCacheBehavior, "behaviour");
    return {
      ...config,
      Aliases: { Quantity: aliases.length, Items: aliases },
      DefaultCacheBehavior: {
        ...behaviour,
        AllowedMethods: { Quantity: methods.length, Items: methods, CachedMethods: { Quantity: cached.length, Items: cached } },
      },
    };
  };

  const listsOf = (config: DistributionConfig | undefined) => ({
    methods: config?.DefaultCacheBehavior?.AllowedMethods?.Items,
    cached: config?.DefaultCacheBehavior?.AllowedMethods?.CachedMethods?.Items,
    aliases: config?.Aliases?.Items,
  });

  it("returns methods HEAD before GET before OPTIONS and aliases in its own order, on create and on every read", async () => {
    const sent = withLists("order-1", ["GET", "HEAD", "OPTIONS"], ["GET", "HEAD"], ["a.example.com", "b.example.com"]);
    const created = await cloudFront.send(new CreateDistributionCommand({ DistributionConfig: sent }));
    const expected = { methods: ["HEAD", "GET", "OPTIONS"], cached: ["HEAD", "GET"], aliases: ["b.example.com", "a.example.com"] };
    expect(listsOf(created.Distribution?.DistributionConfig)).toEqual(expected);
    const read = await cloudFront.send(new GetDistributionConfigCommand({ Id: created.Distribution?.Id }));
    expect(listsOf(read.DistributionConfig)).toEqual(expected);
    // The comparison the operator must not make: the list read back is not the list sent.
    expect(read.DistributionConfig?.DefaultCacheBehavior?.AllowedMethods?.Items).not.toEqual(sent.DefaultCacheBehavior?.AllowedMethods?.Items);
    expect(read.DistributionConfig?.Aliases?.Items).not.toEqual(sent.Aliases?.Items);
  });

  it("returns the same order whatever order the same set was sent in, also after an update", async () => {
    const created = await cloudFront.send(
      new CreateDistributionCommand({ DistributionConfig: withLists("order-2", ["HEAD", "GET"], ["HEAD", "GET"], ["b.example.com", "a.example.com"]) }),
    );
    const updated = await cloudFront.send(
      new UpdateDistributionCommand({
        Id: created.Distribution?.Id,
        IfMatch: created.ETag,
        DistributionConfig: withLists("order-2", ["GET", "HEAD"], ["GET", "HEAD"], ["a.example.com", "b.example.com"]),
      }),
    );
    expect(listsOf(updated.Distribution?.DistributionConfig)).toEqual(listsOf(created.Distribution?.DistributionConfig));
    expect(listsOf(updated.Distribution?.DistributionConfig)).toEqual({ methods: ["HEAD", "GET"], cached: ["HEAD", "GET"], aliases: ["b.example.com", "a.example.com"] });
  });

  describe("switched off at run time", () => {
    beforeAll(async () => {
      await setMotoTransition(env.awsEndpoint, "securedcontent::patches", { disabled: ["cloudfront_set_order"] });
    });
    afterAll(async () => {
      await unsetMotoTransition(env.awsEndpoint, "securedcontent::patches");
    });

    it("returns the lists as sent", async () => {
      const sent = withLists("order-3", ["GET", "HEAD"], ["GET", "HEAD"], ["a.example.com", "b.example.com"]);
      const created = await cloudFront.send(new CreateDistributionCommand({ DistributionConfig: sent }));
      expect(listsOf(created.Distribution?.DistributionConfig)).toEqual({ methods: ["GET", "HEAD"], cached: ["GET", "HEAD"], aliases: ["a.example.com", "b.example.com"] });
    });
  });
});
