// Lambda GetFunction's Code.Location: a presigned URL from which the deployment package of the function or of
// one version can be downloaded, valid for a limited time (patch lambda_code_location).
import { createHash } from "node:crypto";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";

function packageWith(source: string): Uint8Array {
  return zipSync({ "index.mjs": new TextEncoder().encode(source) }, { mtime: new Date(1980, 0, 1, 12) });
}

function sha256Base64(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

describe("Lambda GetFunction Code.Location", () => {
  const env = inject("harness");
  const lambda = new LambdaClient(awsClientConfig(env));
  const first = packageWith("export const handler = async () => 'first';\n");
  const second = packageWith("export const handler = async () => 'second';\n");

  async function location(functionName: string, qualifier?: string): Promise<{ url: string; codeSha256: string }> {
    const result = await lambda.send(new GetFunctionCommand({ FunctionName: functionName, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) }));
    expect(result.Code?.RepositoryType).toBe("S3");
    return { url: result.Code?.Location ?? "", codeSha256: result.Configuration?.CodeSha256 ?? "" };
  }

  async function download(url: string): Promise<{ status: number; bytes: Uint8Array; contentType: string | null }> {
    const response = await fetch(url);
    return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get("content-type") };
  }

  beforeAll(async () => {
    const role = await createEdgeRole(env, "code-location-role");
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: "code-location", Role: role, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: first }, Publish: true }),
    );
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "code-location", ZipFile: second }));
    await lambda.send(new PublishVersionCommand({ FunctionName: "code-location" }));
  });

  it("downloads, without credentials, exactly the package that was uploaded, matching CodeSha256", async () => {
    const latest = await location("code-location");
    const downloaded = await download(latest.url);
    expect(downloaded.status).toBe(200);
    expect(downloaded.contentType).toBe("application/zip");
    expect(downloaded.bytes).toEqual(second);
    expect(sha256Base64(downloaded.bytes)).toBe(latest.codeSha256);
  });

  it("serves each published version's own package, also when named by a qualified ARN", async () => {
    const versionOne = await location("code-location", "1");
    expect((await download(versionOne.url)).bytes).toEqual(first);
    expect(versionOne.codeSha256).toBe(sha256Base64(first));
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:code-location:2";
    expect((await download((await location(arn)).url)).bytes).toEqual(second);
  });

  it("is a presigned URL: without its signing query it is an anonymous request to a private bucket", async () => {
    const { url } = await location("code-location", "1");
    const unsigned = await download(url.split("?")[0] ?? url);
    expect(unsigned.status).toBe(403);
    expect(new TextDecoder().decode(unsigned.bytes)).toContain("<Code>AccessDenied</Code>");
  });

  it("expires ten minutes after it was issued", async () => {
    const { url } = await location("code-location", "1");
    const issuedLongAgo = url.replace(/X-Amz-Date=\d{8}T\d{6}Z/, "X-Amz-Date=20200101T000000Z");
    const expired = await download(issuedLongAgo);
    expect(expired.status).toBe(403);
    expect(new TextDecoder().decode(expired.bytes)).toContain("Request has expired");
  });

});
