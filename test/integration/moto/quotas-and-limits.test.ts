// Patches cloudfront_quotas, cloudfront_field_limits, lambda_field_limits and s3_bucket_tag_limits: account
// quotas and field lengths, each with the error code and HTTP status AWS answers.
import { DeleteOriginAccessControlCommand, TagResourceCommand, UpdateDistributionCommand } from "@aws-sdk/client-cloudfront";
import {
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  TagResourceCommand as TagFunctionCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutBucketTaggingCommand } from "@aws-sdk/client-s3";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { setMotoTransition, unsetMotoTransition } from "../../harness/moto.ts";
import {
  awsError,
  clients,
  createDistribution,
  createOriginAccessControl,
  operatorDistributionConfig,
  retireDistribution,
} from "./fixtures.ts";

const quotas = "cloudfront::quotas";

describe("CloudFront account quotas", () => {
  const env = inject("harness");
  const { cloudFront } = clients(env);

  it("reports AWS's default quotas when nothing was changed", async () => {
    const response = await fetch(`${env.awsEndpoint}/moto-api/state-manager/get-transition?model_name=${quotas}`);
    expect(await response.json()).toEqual({ origin_access_controls: 100, distributions: 500 });
  });

  describe("lowered to 3 at run time", () => {
    beforeAll(async () => {
      await setMotoTransition(env.awsEndpoint, quotas, { origin_access_controls: 3, distributions: 3 });
    });
    afterAll(async () => {
      await unsetMotoTransition(env.awsEndpoint, quotas);
    });

    it("refuses a fourth origin access control with TooManyOriginAccessControls (400), and accepts one after a delete", async () => {
      const made = [];
      for (let i = 1; i <= 3; i += 1) made.push(await createOriginAccessControl(cloudFront, `quota-oac-${String(i)}`));
      expect(await awsError(createOriginAccessControl(cloudFront, "quota-oac-4"))).toEqual({ name: "TooManyOriginAccessControls", status: 400 });
      const first = made[0];
      if (first === undefined) throw new Error("no OAC was made");
      await cloudFront.send(new DeleteOriginAccessControlCommand({ Id: first.id, IfMatch: first.etag }));
      await createOriginAccessControl(cloudFront, "quota-oac-4");
    });

    it("refuses a fourth distribution with TooManyDistributions (400), and accepts one after a delete", async () => {
      await unsetMotoTransition(env.awsEndpoint, quotas);
      const oac = await createOriginAccessControl(cloudFront, "quota-dist-oac");
      await setMotoTransition(env.awsEndpoint, quotas, { distributions: 3 });
      const config = (n: number) => operatorDistributionConfig({ callerReference: `quota-${String(n)}`, bucket: "quota-bucket", originAccessControlId: oac.id });
      const made = [];
      for (let n = 1; n <= 3; n += 1) made.push(await createDistribution(cloudFront, config(n)));
      expect(await awsError(createDistribution(cloudFront, config(4)))).toEqual({ name: "TooManyDistributions", status: 400 });
      await retireDistribution(cloudFront, made[0]?.id ?? "");
      await createDistribution(cloudFront, config(4));
    });
  });
});

describe("field limits", () => {
  const env = inject("harness");
  const { cloudFront, s3 } = clients(env);
  const lambda = new LambdaClient(awsClientConfig(env));
  const long = (n: number) => "a".repeat(n);

  it("CloudFront: a Comment over 128 characters fails with InvalidArgument (400) on create and update; 128 is fine", async () => {
    const oac = await createOriginAccessControl(cloudFront, "limits-oac");
    const config = operatorDistributionConfig({ callerReference: "limits-1", bucket: "limits-bucket", originAccessControlId: oac.id });
    expect(await awsError(createDistribution(cloudFront, { ...config, Comment: long(129) }))).toEqual({ name: "InvalidArgument", status: 400 });
    const created = await createDistribution(cloudFront, { ...config, Comment: long(128) });
    expect(
      await awsError(cloudFront.send(new UpdateDistributionCommand({ Id: created.id, IfMatch: created.etag, DistributionConfig: { ...config, Comment: long(129) } }))),
    ).toEqual({ name: "InvalidArgument", status: 400 });
  });

  it("CloudFront: a tag value over 256 characters fails with MalformedXML (400) on CreateDistributionWithTags and TagResource", async () => {
    const oac = await createOriginAccessControl(cloudFront, "limits-tag-oac");
    const config = operatorDistributionConfig({ callerReference: "limits-2", bucket: "limits-bucket", originAccessControlId: oac.id });
    expect(await awsError(createDistribution(cloudFront, config, [{ Key: "owner", Value: long(257) }]))).toEqual({ name: "MalformedXML", status: 400 });
    const created = await createDistribution(cloudFront, config, [{ Key: "owner", Value: long(256) }]);
    expect(
      await awsError(cloudFront.send(new TagResourceCommand({ Resource: created.arn, Tags: { Items: [{ Key: "owner", Value: long(257) }] } }))),
    ).toEqual({ name: "MalformedXML", status: 400 });
  });

  describe("Lambda", () => {
    let role = "";
    const code = zipSync({ "index.mjs": new TextEncoder().encode("export const handler = async () => 'ok';\n") });
    const create = (name: string, extra: { Description?: string; Tags?: Record<string, string> }) =>
      lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: role, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: code }, ...extra }));

    beforeAll(async () => {
      role = await createEdgeRole(env, "limits-role");
    });

    it("a Description over 256 characters fails with ValidationException (400) on create, update and publish", async () => {
      expect(await awsError(create("limits-desc", { Description: long(257) }))).toEqual({ name: "ValidationException", status: 400 });
      await create("limits-desc", { Description: long(256) });
      expect(await awsError(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "limits-desc", Description: long(257) })))).toEqual({
        name: "ValidationException",
        status: 400,
      });
      expect(await awsError(lambda.send(new PublishVersionCommand({ FunctionName: "limits-desc", Description: long(257) })))).toEqual({
        name: "ValidationException",
        status: 400,
      });
    });

    it("a tag value over 256 characters fails with ValidationException (400) on create and TagResource", async () => {
      expect(await awsError(create("limits-tags", { Tags: { owner: long(257) } }))).toEqual({ name: "ValidationException", status: 400 });
      const created = await create("limits-tags", { Tags: { owner: long(256) } });
      expect(await awsError(lambda.send(new TagFunctionCommand({ Resource: created.FunctionArn, Tags: { owner: long(257) } })))).toEqual({
        name: "ValidationException",
        status: 400,
      });
    });
  });

  it("S3: a bucket tag value over 256 or a key over 128 characters fails with InvalidTag (400)", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "limits-tags" }));
    const put = (key: string, value: string) => s3.send(new PutBucketTaggingCommand({ Bucket: "limits-tags", Tagging: { TagSet: [{ Key: key, Value: value }] } }));
    expect(await awsError(put("owner", long(257)))).toEqual({ name: "InvalidTag", status: 400 });
    expect(await awsError(put(long(129), "x"))).toEqual({ name: "InvalidTag", status: 400 });
    await put(long(128), long(256));
  });
});
