// Patch lambda_edge_replication: Lambda refuses to delete an edge function while CloudFront uses it, and for
// the linger time after the last association goes away.
import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { strToU8, zipSync } from "fflate";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { setMotoTransition, unsetMotoTransition } from "../../harness/moto.ts";
import { waitFor } from "../../harness/wait.ts";
import {
  awsError,
  clients,
  createDistribution,
  createOriginAccessControl,
  editDistribution,
  operatorDistributionConfig,
  required,
  retireDistribution,
} from "./fixtures.ts";

const model = "lambda::edge-replica";

describe("Lambda@Edge replicas", () => {
  const env = inject("harness");
  const { cloudFront } = clients(env);
  const lambda = new LambdaClient(awsClientConfig(env));
  let role: string;
  let oacId: string;

  beforeAll(async () => {
    role = await createEdgeRole(env);
    oacId = (await createOriginAccessControl(cloudFront, "replica-oac")).id;
  });

  afterEach(async () => {
    await unsetMotoTransition(env.awsEndpoint, model);
  });

  /** A published edge function; returns the numbered version's ARN. */
  async function publishedFunction(name: string): Promise<string> {
    const zip = zipSync({ "index.mjs": strToU8("export const handler = async (event) => event.Records[0].cf.request;") });
    const created = await lambda.send(
      new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs22.x", Handler: "index.handler", Role: role, Code: { ZipFile: zip }, Publish: true }),
    );
    return `${required(created.FunctionArn, "function ARN").replace(/:\d+$/, "")}:${required(created.Version, "version")}`;
  }

  function distributionUsing(name: string, functionArn: string) {
    return createDistribution(cloudFront, operatorDistributionConfig({ callerReference: name, bucket: `${name}-bucket`, originAccessControlId: oacId, functionArn }));
  }

  const deleteFunction = (name: string, version?: string) =>
    lambda.send(new DeleteFunctionCommand({ FunctionName: name, ...(version === undefined ? {} : { Qualifier: version }) }));

  const replicated = { name: "InvalidParameterValueException", status: 400 };

  it("refuses to delete the function, or its associated version, while a distribution uses it", async () => {
    const versionArn = await publishedFunction("replica-in-use");
    await distributionUsing("replica-in-use", versionArn);

    expect(await awsError(deleteFunction("replica-in-use"))).toEqual(replicated);
    expect(await awsError(deleteFunction("replica-in-use", "1"))).toEqual(replicated);
    await expect(deleteFunction("replica-in-use")).rejects.toMatchObject({ message: expect.stringContaining("because it is a replicated function") as unknown });
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: "replica-in-use" }))).resolves.toMatchObject({
      Configuration: { FunctionName: "replica-in-use" },
    });
  });

  it("keeps refusing for the linger time after the association is removed, then deletes", async () => {
    await setMotoTransition(env.awsEndpoint, model, { progression: "time", seconds: 1 });
    const versionArn = await publishedFunction("replica-released");
    const distribution = await distributionUsing("replica-released", versionArn);
    await editDistribution(cloudFront, distribution.id, (config) => ({
      ...config,
      DefaultCacheBehavior: { ...required(config.DefaultCacheBehavior, "behaviour"), LambdaFunctionAssociations: { Quantity: 0, Items: [] } },
    }));

    expect(await awsError(deleteFunction("replica-released"))).toEqual(replicated);
    await waitFor(() => deleteFunction("replica-released").then(() => true, () => undefined), {
      what: "Lambda to accept the deletion once the replicas are gone",
      timeoutMs: 10_000,
      intervalMs: 200,
    });
    expect(await awsError(lambda.send(new GetFunctionCommand({ FunctionName: "replica-released" })))).toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("counts a deleted distribution as a removed association", async () => {
    await setMotoTransition(env.awsEndpoint, model, { progression: "time", seconds: 3600 });
    const versionArn = await publishedFunction("replica-retired");
    const distribution = await distributionUsing("replica-retired", versionArn);
    await retireDistribution(cloudFront, distribution.id);
    expect(await awsError(deleteFunction("replica-retired"))).toEqual(replicated);
  });

  it("deletes a function no distribution ever used at once", async () => {
    await setMotoTransition(env.awsEndpoint, model, { progression: "time", seconds: 3600 });
    await publishedFunction("replica-never-used");
    await expect(deleteFunction("replica-never-used")).resolves.toMatchObject({ $metadata: { httpStatusCode: 204 } });
    expect(await awsError(lambda.send(new GetFunctionCommand({ FunctionName: "replica-never-used" })))).toMatchObject({ name: "ResourceNotFoundException" });
  });
});
