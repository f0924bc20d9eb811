// Patch cloudfront_etag: the ETag is the distribution's version, and writes must name the current one.
import {
  DeleteDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { describe, expect, inject, it } from "vitest";
import {
  awsError,
  clients,
  distributionMaker,
  readUntilDeployed,
  required,
} from "./fixtures.ts";

describe("CloudFront distribution ETags", () => {
  const { cloudFront } = clients(inject("harness"));


  const newDistribution = distributionMaker(cloudFront, "etag");

  const currentConfig = async (id: string) => {
    const read = await cloudFront.send(new GetDistributionConfigCommand({ Id: id }));
    return { config: required(read.DistributionConfig, "config"), etag: required(read.ETag, "ETag") };
  };

  it("changes the ETag on every update, and GetDistribution and GetDistributionConfig agree on it", async () => {
    const created = await newDistribution();
    const seen = new Set([created.etag]);
    let etag = created.etag;
    for (const comment of ["first", "second", "second"]) {
      const { config } = await currentConfig(created.id);
      const updated = await cloudFront.send(
        new UpdateDistributionCommand({ Id: created.id, IfMatch: etag, DistributionConfig: { ...config, Comment: comment } }),
      );
      etag = required(updated.ETag, "ETag");
      seen.add(etag);
      expect((await cloudFront.send(new GetDistributionCommand({ Id: created.id }))).ETag).toBe(etag);
      expect((await currentConfig(created.id)).etag).toBe(etag);
    }
    expect(seen.size).toBe(4);
  });

  it("moves LastModifiedTime forward on an update", async () => {
    const created = await newDistribution();
    const before = required(created.distribution.LastModifiedTime, "LastModifiedTime");
    const { config, etag } = await currentConfig(created.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await cloudFront.send(
      new UpdateDistributionCommand({ Id: created.id, IfMatch: etag, DistributionConfig: { ...config, Comment: "moved" } }),
    );
    expect(required(updated.Distribution?.LastModifiedTime, "LastModifiedTime").getTime()).toBeGreaterThan(before.getTime());
    expect(Math.abs(before.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("rejects UpdateDistribution with an outdated If-Match with PreconditionFailed (412)", async () => {
    const created = await newDistribution();
    const { config, etag } = await currentConfig(created.id);
    await cloudFront.send(new UpdateDistributionCommand({ Id: created.id, IfMatch: etag, DistributionConfig: { ...config, Comment: "a" } }));
    const stale = cloudFront.send(new UpdateDistributionCommand({ Id: created.id, IfMatch: etag, DistributionConfig: { ...config, Comment: "b" } }));
    expect(await awsError(stale)).toEqual({ name: "PreconditionFailed", status: 412 });
    expect((await currentConfig(created.id)).config.Comment).toBe("a");
  });

  it("rejects UpdateDistribution without If-Match with InvalidIfMatchVersion (400)", async () => {
    const created = await newDistribution();
    const { config } = await currentConfig(created.id);
    const unconditional = cloudFront.send(new UpdateDistributionCommand({ Id: created.id, DistributionConfig: config }));
    expect(await awsError(unconditional)).toEqual({ name: "InvalidIfMatchVersion", status: 400 });
  });

  it("rejects DeleteDistribution with an outdated or missing If-Match", async () => {
    const created = await newDistribution(false);
    const { config, etag } = await currentConfig(created.id);
    const updated = await cloudFront.send(
      new UpdateDistributionCommand({ Id: created.id, IfMatch: etag, DistributionConfig: { ...config, Comment: "disabled" } }),
    );
    await readUntilDeployed(cloudFront, created.id);
    expect(await awsError(cloudFront.send(new DeleteDistributionCommand({ Id: created.id, IfMatch: etag })))).toEqual({
      name: "PreconditionFailed",
      status: 412,
    });
    expect(await awsError(cloudFront.send(new DeleteDistributionCommand({ Id: created.id })))).toEqual({
      name: "InvalidIfMatchVersion",
      status: 400,
    });
    await cloudFront.send(new DeleteDistributionCommand({ Id: created.id, IfMatch: updated.ETag }));
  });

  it("refuses to change the CallerReference with IllegalUpdate", async () => {
    const created = await newDistribution();
    const { config, etag } = await currentConfig(created.id);
    const renamed = cloudFront.send(
      new UpdateDistributionCommand({ Id: created.id, IfMatch: etag, DistributionConfig: { ...config, CallerReference: "another-uid" } }),
    );
    expect(await awsError(renamed)).toEqual({ name: "IllegalUpdate", status: 400 });
  });

  it("answers NoSuchDistribution (404) for an unknown id whatever the If-Match", async () => {
    const { config } = await currentConfig((await newDistribution()).id);
    const missing = cloudFront.send(new UpdateDistributionCommand({ Id: "E000000000000", IfMatch: "E1", DistributionConfig: config }));
    expect(await awsError(missing)).toEqual({ name: "NoSuchDistribution", status: 404 });
  });
});
