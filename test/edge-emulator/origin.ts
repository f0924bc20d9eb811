// The origin fetch: CloudFront reading the object from the S3 bucket through the OAC. The emulated S3 cannot
// check CloudFront's signature, so the request names the CloudFront service principal and the distribution ARN
// in the harness-only headers of the s3_anonymous_access patch, and the bucket policy decides as on AWS.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { EdgeEmulatorError } from "./errors.ts";
import type { EventHeaders } from "./event.ts";

export interface OriginTarget {
  /** The emulated S3 endpoint, path-style. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly originPath: string;
  readonly distributionArn: string;
}

export interface OriginRequest {
  readonly method: string;
  readonly uri: string;
  readonly headers: EventHeaders;
}

// With CachingOptimized and no origin request policy, only these viewer headers reach an S3 origin: the range
// (CloudFront serves partial content from the origin's answer) and the conditions of a conditional GET.
const forwardedToOrigin = ["range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since"] as const;

// What CloudFront passes back to the viewer from an S3 origin (x-amz-* and server headers stay behind).
const passedToViewer = [
  "content-type",
  "content-length",
  "content-range",
  "accept-ranges",
  "etag",
  "last-modified",
  "cache-control",
  "content-encoding",
  "content-disposition",
  "content-language",
  "expires",
] as const;

const originTimeoutMs = 10_000;

export const harnessPrincipalHeaders = (distributionArn: string) => ({
  "x-harness-service-principal": "cloudfront.amazonaws.com",
  "x-harness-source-arn": distributionArn,
});

/** The URL and headers of the origin request for a forwarded viewer request. */
export function originRequest(target: OriginTarget, request: OriginRequest): { url: URL; method: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { ...harnessPrincipalHeaders(target.distributionArn) };
  for (const name of forwardedToOrigin) {
    const value = request.headers[name]?.[0]?.value;
    if (value !== undefined) headers[name] = value;
  }
  const url = new URL(`${target.endpoint}/${target.bucket}${target.originPath}${request.uri}`);
  return { url, method: request.method === "HEAD" ? "HEAD" : "GET", headers };
}

/** The origin's headers that the viewer gets. */
export function viewerHeaders(origin: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of passedToViewer) {
    const value = origin[name];
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}

/** Sends the origin request; the caller streams the answer (status, headers, body) to the viewer. */
export function fetchFromOrigin(target: OriginTarget, request: OriginRequest): Promise<IncomingMessage> {
  const { url, method, headers } = originRequest(target, request);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers, timeout: originTimeoutMs }, resolve);
    outgoing.on("timeout", () => { outgoing.destroy(new Error(`no answer within ${originTimeoutMs} ms`)); });
    outgoing.on("error", (error) => { reject(new EdgeEmulatorError("OriginUnavailable", `the S3 origin did not answer: ${error.message}`)); });
    outgoing.end();
  });
}
