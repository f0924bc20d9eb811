// Patch lambda_qualified_tags: GetFunction of a version returns no Tags; unqualified GetFunction and ListTags do.
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient, ListTagsCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";

describe("Lambda GetFunction tags", () => {
  const env = inject("harness");
  const lambda = new LambdaClient(awsClientConfig(env));
  const tags = { "securedcontent.io/owner": "learning/courses" };
  let arn = "";

  beforeAll(async () => {
    const role = await createEdgeRole(env, "qualified-tags-role");
    const code = zipSync({ "index.mjs": new TextEncoder().encode("export const handler = async () => 'ok';\n") });
    const created = await lambda.send(
      new CreateFunctionCommand({ FunctionName: "qualified-tags", Role: role, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: code }, Publish: true, Tags: tags }),
    );
    arn = created.FunctionArn?.replace(/:\d+$/, "") ?? "";
  });

  it("returns the function's tags from an unqualified GetFunction and from ListTags", async () => {
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: "qualified-tags" }))).Tags).toEqual(tags);
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual(tags);
  });

  it.each([
    ["a Qualifier of a version", { FunctionName: "qualified-tags", Qualifier: "1" }],
    ["a Qualifier of $LATEST", { FunctionName: "qualified-tags", Qualifier: "$LATEST" }],
    ["a qualified name", { FunctionName: "qualified-tags:1" }],
    ["a qualified ARN", { FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:qualified-tags:1" }],
  ])("returns no Tags for %s, only the version's details", async (_, input) => {
    const read = await lambda.send(new GetFunctionCommand(input));
    expect(read.Configuration?.FunctionName).toBe("qualified-tags");
    expect(read.Tags).toBeUndefined();
  });
});
