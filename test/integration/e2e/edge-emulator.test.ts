// The edge emulator behaves as CloudFront does with a viewer-request function, for functions deployed to the
// emulated Lambda by hand: the event it builds, generated and forwarded results, and the function's failures.
// The cases run in order: they share one distribution, and the last one disables it.
import {
  CreateResponseHeadersPolicyCommand,
  GetResponseHeadersPolicyCommand,
  UpdateResponseHeadersPolicyCommand,
  type ResponseHeadersPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EdgeEmulatorError } from "../../edge-emulator/errors.ts";
import { startEdgeEmulator, type EdgeEmulator } from "../../edge-emulator/server.ts";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { waitFor } from "../../harness/wait.ts";
import { clients, createDistribution, createLessonBucket, createOriginAccessControl, editDistribution, operatorDistributionConfig } from "../moto/fixtures.ts";
import { rawGet } from "./fixtures.ts";

// One function, with a behaviour per path, so that one deployment covers every case.
const functionSource = `
const generated = (body, extra = {}) => ({ status: "200", statusDescription: "OK", headers: { "content-type": [{ key: "Content-Type", value: "text/plain" }] }, body, ...extra });
export const handler = async (event) => {
  const request = event.Records[0].cf.request;
  switch (request.uri) {
    case "/echo": console.log("echo invoked"); return generated(JSON.stringify(event));
    case "/base64": return generated(Buffer.from("decoded body").toString("base64"), { bodyEncoding: "base64" });
    case "/throw": throw new Error("boom");
    case "/slow": await new Promise((resolve) => setTimeout(resolve, 3000)); return request;
    case "/invalid": return { status: "OK" };
    case "/too-large": return generated("x".repeat(41 * 1024));
    case "/rewrite": return { ...request, uri: "/lesson-1.mp4" };
    case "/method": console.log("method " + request.method); return generated(request.method);
    default: return request;
  }
};
`;

describe("edge emulator", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const { cloudFront, s3 } = clients(env);
  const lambda = new LambdaClient(awsClientConfig(env));
  const bucket = "emulator-bucket";
  let distributionId: string;
  let emulator: EdgeEmulator;
  const functionLog: string[] = [];

  beforeAll(async () => {
    const role = await createEdgeRole(env, "emulator-edge-role");
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "emulator-probe",
        Role: role,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Timeout: 1,
        Publish: true,
        Code: { ZipFile: zipSync({ "index.mjs": new TextEncoder().encode(functionSource) }) },
      }),
    );
    await createLessonBucket(s3, bucket);
    const oac = await createOriginAccessControl(cloudFront, "emulator-oac");
    const functionArn = `${created.FunctionArn ?? ""}:${created.Version ?? ""}`;
    const distribution = await createDistribution(cloudFront, operatorDistributionConfig({ callerReference: "emulator", bucket, originAccessControlId: oac.id, functionArn }));
    distributionId = distribution.id;
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:GetObject",
          Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
        },
      ],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    emulator = await startEdgeEmulator({ env, distributionId, functionLog: (line) => functionLog.push(line) });
  });

  afterAll(async () => {
    await (emulator as EdgeEmulator | undefined)?.stop();
    lambda.destroy();
  });

  it("builds the viewer-request event as CloudFront does", async () => {
    const response = await rawGet(`${emulator.url}/echo?b=2&a=1`, { "X-Custom": "yes", "x-multi": ["one", "two"], cookie: "a=1; b=2", connection: "keep-alive" });
    expect(response.status).toBe(200);
    const event = JSON.parse(response.text) as { Records: [{ cf: { config: Record<string, string>; request: Record<string, unknown> } }] };
    const { config, request } = event.Records[0].cf;
    expect(config).toMatchObject({ distributionId, distributionDomainName: emulator.domainName, eventType: "viewer-request" });
    expect(request).toMatchObject({ method: "GET", uri: "/echo", querystring: "b=2&a=1", clientIp: "127.0.0.1" });
    const headers = request["headers"] as Record<string, unknown>;
    expect(headers["x-custom"]).toEqual([{ key: "X-Custom", value: "yes" }]);
    expect(headers["x-multi"]).toEqual([{ key: "x-multi", value: "one" }, { key: "x-multi", value: "two" }]);
    expect(headers["cookie"]).toEqual([{ key: "cookie", value: "a=1; b=2" }]);
    expect(headers["connection"]).toBeUndefined();
    await waitFor(() => (functionLog.includes("echo invoked") ? true : undefined), { what: "the function's own log line", timeoutMs: 5_000, intervalMs: 20 });
  });

  it("answers with a generated response, decoding a base64 body", async () => {
    const response = await fetch(`${emulator.url}/base64`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("decoded body");
  });

  it("fetches the forwarded request's uri from the origin, even when the function rewrote it", async () => {
    const response = await fetch(`${emulator.url}/rewrite`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("video bytes");
  });

  it("answers 503 when the function throws or times out, and 502 when its result is invalid", async () => {
    const statusOf = async (path: string): Promise<number> => (await rawGet(`${emulator.url}${path}`, {})).status;
    expect(await statusOf("/throw")).toBe(503);
    expect(await statusOf("/slow")).toBe(503);
    expect(await statusOf("/invalid")).toBe(502);
    expect(await statusOf("/too-large")).toBe(502);
    // A fresh environment replaces the one that timed out.
    expect(await statusOf("/lesson-1.mp4")).toBe(200);
  });

  it("refuses to start for a distribution that does not exist", async () => {
    const start = startEdgeEmulator({ env, distributionId: "ENOSUCHDISTRIB" });
    await expect(start).rejects.toBeInstanceOf(EdgeEmulatorError);
    await expect(start).rejects.toMatchObject({ code: "NoSuchDistribution" });
  });

  it("answers a method outside AllowedMethods with CloudFront's 403, before the function runs", async () => {
    for (const method of ["POST", "DELETE", "OPTIONS"]) {
      const response = await fetch(`${emulator.url}/method`, { method, headers: { origin: "http://localhost:1" } });
      expect(response.status, method).toBe(403);
      expect(await response.text()).toMatch(/not configured to allow the HTTP request method/);
    }
    // One allowed request after them: its log line comes after any the refused ones would have written.
    expect(await (await fetch(`${emulator.url}/method`)).text()).toBe("GET");
    await waitFor(() => (functionLog.includes("method GET") ? true : undefined), { what: "the GET's log line", timeoutMs: 5_000, intervalMs: 20 });
    expect(functionLog.filter((line) => /^method (POST|DELETE|OPTIONS)$/.test(line))).toEqual([]);
  });

  it("hands OPTIONS to the viewer-request function once the distribution allows it (a CORS preflight)", async () => {
    await editDistribution(cloudFront, distributionId, (config) => ({
      ...config,
      DefaultCacheBehavior: {
        ...config.DefaultCacheBehavior,
        TargetOriginId: config.DefaultCacheBehavior?.TargetOriginId,
        ViewerProtocolPolicy: config.DefaultCacheBehavior?.ViewerProtocolPolicy,
        AllowedMethods: { Quantity: 3, Items: ["GET", "HEAD", "OPTIONS"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } },
      },
    }));
    const preflight = await fetch(`${emulator.url}/method`, { method: "OPTIONS", headers: { origin: "http://localhost:1", "access-control-request-method": "GET" } });
    expect(preflight.status).toBe(200);
    expect(await preflight.text()).toBe("OPTIONS");
    await waitFor(() => (functionLog.includes("method OPTIONS") ? true : undefined), { what: "the function's OPTIONS log line", timeoutMs: 5_000, intervalMs: 20 });
    expect((await fetch(`${emulator.url}/method`, { method: "POST" })).status).toBe(403);
  });

  it("meets a request marked as plain HTTP with the ViewerProtocolPolicy: a redirect, then a refusal under https-only", async () => {
    const marked = { "x-harness-viewer-protocol": "http" };
    const redirected = await fetch(`${emulator.url}/method?a=1`, { headers: marked, redirect: "manual" });
    expect(redirected.status).toBe(301);
    expect(redirected.headers.get("location")).toBe(`https://${new URL(emulator.url).host}/method?a=1`);
    await editDistribution(cloudFront, distributionId, (config) => ({
      ...config,
      DefaultCacheBehavior: { ...config.DefaultCacheBehavior, TargetOriginId: config.DefaultCacheBehavior?.TargetOriginId, ViewerProtocolPolicy: "https-only" },
    }));
    const refused = await fetch(`${emulator.url}/method`, { headers: marked });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/only HTTPS/);
    // Unmarked, the request stands for HTTPS; the function never sees the marker.
    expect((await fetch(`${emulator.url}/method`)).status).toBe(200);
    const echoed = await rawGet(`${emulator.url}/echo`, { "x-harness-viewer-protocol": "https" });
    expect(echoed.text).not.toMatch(/x-harness-viewer-protocol/i);
  });

  it("applies the response headers policy to origin responses only, following its updates", async () => {
    const config = (cacheControl: string): ResponseHeadersPolicyConfig => ({
      Name: "emulator-headers",
      CorsConfig: {
        AccessControlAllowOrigins: { Quantity: 1, Items: ["http://localhost:1"] },
        AccessControlAllowHeaders: { Quantity: 2, Items: ["authorization", "range"] },
        AccessControlAllowMethods: { Quantity: 2, Items: ["GET", "HEAD"] },
        AccessControlAllowCredentials: false,
        AccessControlExposeHeaders: { Quantity: 1, Items: ["Content-Range"] },
        OriginOverride: true,
      },
      SecurityHeadersConfig: { StrictTransportSecurity: { Override: true, AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true } },
      CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "Cache-Control", Value: cacheControl, Override: true }] },
    });
    const created = await cloudFront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: config("private, max-age=60") }));
    const policyId = created.ResponseHeadersPolicy?.Id ?? "";
    await editDistribution(cloudFront, distributionId, (current) => ({
      ...current,
      DefaultCacheBehavior: { ...current.DefaultCacheBehavior, TargetOriginId: current.DefaultCacheBehavior?.TargetOriginId, ViewerProtocolPolicy: current.DefaultCacheBehavior?.ViewerProtocolPolicy, ResponseHeadersPolicyId: policyId },
    }));

    const fromOrigin = await fetch(`${emulator.url}/lesson-1.mp4`, { headers: { origin: "http://localhost:1" } });
    expect(fromOrigin.status).toBe(200);
    expect(fromOrigin.headers.get("access-control-allow-origin")).toBe("http://localhost:1");
    expect(fromOrigin.headers.get("access-control-expose-headers")).toBe("Content-Range");
    expect(fromOrigin.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(fromOrigin.headers.get("cache-control")).toBe("private, max-age=60");
    const otherOrigin = await fetch(`${emulator.url}/lesson-1.mp4`, { headers: { origin: "http://localhost:2" } });
    expect(otherOrigin.headers.get("access-control-allow-origin")).toBeNull();
    expect(otherOrigin.headers.get("strict-transport-security")).not.toBeNull();
    // A response the function generated keeps exactly its own headers.
    const generated = await fetch(`${emulator.url}/method`, { headers: { origin: "http://localhost:1" } });
    expect(generated.headers.get("access-control-allow-origin")).toBeNull();
    expect(generated.headers.get("strict-transport-security")).toBeNull();

    const current = await cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: policyId }));
    await cloudFront.send(new UpdateResponseHeadersPolicyCommand({ Id: policyId, IfMatch: current.ETag, ResponseHeadersPolicyConfig: config("private, no-store") }));
    expect((await fetch(`${emulator.url}/lesson-1.mp4`)).headers.get("cache-control")).toBe("private, no-store");
  });

  it("answers 403 once the distribution is disabled", async () => {
    await editDistribution(cloudFront, distributionId, (config) => ({ ...config, Enabled: false }));
    const response = await rawGet(`${emulator.url}/lesson-1.mp4`, {});
    expect(response.status).toBe(403);
    expect(response.text).toMatch(/disabled/);
  });
});
