// resetMoto: POST /moto-api/reset empties every service, so each test file starts from nothing.
import { ListDistributionsCommand, ListOriginAccessControlsCommand } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { createServer } from "node:http";
import { describe, expect, inject, it } from "vitest";
import { resetMoto } from "../../harness/moto.ts";
import { clients, createDistribution, createOriginAccessControl, operatorDistributionConfig } from "./fixtures.ts";

describe("resetMoto", () => {
  const env = inject("harness");
  const { cloudFront, s3 } = clients(env);

  it("empties S3 and CloudFront", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "reset-bucket" }));
    const oac = await createOriginAccessControl(cloudFront, "reset-oac");
    await createDistribution(cloudFront, operatorDistributionConfig({ callerReference: "reset", bucket: "reset-bucket", originAccessControlId: oac.id }));

    await resetMoto(env.awsEndpoint);

    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    expect((await cloudFront.send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList?.Items ?? []).toEqual([]);
    expect((await cloudFront.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? []).toEqual([]);
  });

  it("throws when the endpoint does not answer 2xx", async () => {
    const server = createServer((_, response) => {
      response.writeHead(503).end("unavailable");
    });
    await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
    const address = server.address();
    try {
      if (address === null || typeof address === "string") throw new Error("no loopback port");
      await expect(resetMoto(`http://127.0.0.1:${String(address.port)}`)).rejects.toThrow(/answered 503: unavailable/);
    } finally {
      server.close();
    }
  });
});
