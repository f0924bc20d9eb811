// Lambda's runtime management setting, which the emulator serves as the Lambda API reference describes: Auto
// until changed, per function and qualifier, Manual only with a runtime version, not found for an unknown
// function.
import { CreateFunctionCommand, GetRuntimeManagementConfigCommand, LambdaClient, PutRuntimeManagementConfigCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";

const env = inject("harness");
const lambda = new LambdaClient(awsClientConfig(env));
let name = "";

beforeAll(async () => {
  const role = await createEdgeRole(env);
  const zip = zipSync({ "index.mjs": new TextEncoder().encode("export const handler = async () => ({});") });
  const created = await lambda.send(
    new CreateFunctionCommand({ FunctionName: "scb-edge-runtime-management", Runtime: "nodejs22.x", Handler: "index.handler", Role: role, Code: { ZipFile: zip } }),
  );
  name = created.FunctionName ?? "";
});

afterAll(() => {
  lambda.destroy();
});

describe("runtime management configuration", () => {
  it("is Auto until changed, and remembers a change per function", async () => {
    const first = await lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }));
    expect(first).toMatchObject({ UpdateRuntimeOn: "Auto", FunctionArn: expect.stringMatching(new RegExp(`:function:${name}$`)) as unknown });
    const runtimeVersionArn = "arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    await lambda.send(new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: "Manual", RuntimeVersionArn: runtimeVersionArn }));
    await expect(lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }))).resolves.toMatchObject({ UpdateRuntimeOn: "Manual", RuntimeVersionArn: runtimeVersionArn });
    await lambda.send(new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: "Auto" }));
    await expect(lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: name }))).resolves.toMatchObject({ UpdateRuntimeOn: "Auto" });
  });

  it("refuses Manual without a runtime version, and answers not found for an unknown function", async () => {
    await expect(lambda.send(new PutRuntimeManagementConfigCommand({ FunctionName: name, UpdateRuntimeOn: "Manual" }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });
    await expect(lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: "no-such-function" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});
