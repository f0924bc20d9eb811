// The Lambda@Edge viewer-request contract, both ways: the event CloudFront builds from a viewer's HTTP request,
// and the function's result (a generated response, or the request to forward) checked as CloudFront checks it.
import { z } from "zod";
import { EdgeEmulatorError } from "./errors.ts";

export type EventHeaders = Record<string, { key?: string | undefined; value: string }[]>;

export interface ViewerRequest {
  readonly method: string;
  /** The request target as received: path and optional query. */
  readonly target: string;
  /** Node's rawHeaders: name, value, name, value, ... with the viewer's spelling. */
  readonly rawHeaders: readonly string[];
  readonly clientIp: string;
}

export interface EventContext {
  readonly distributionId: string;
  readonly distributionDomainName: string;
  readonly requestId: string;
}

// Hop-by-hop headers end at CloudFront; the function never sees them.
const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** CloudFront's header map: lowercase names, each with every value the viewer sent under its own spelling. */
export function eventHeaders(rawHeaders: readonly string[]): EventHeaders {
  const headers: EventHeaders = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i] ?? "";
    const value = rawHeaders[i + 1] ?? "";
    const name = key.toLowerCase();
    if (hopByHop.has(name)) continue;
    (headers[name] ??= []).push({ key, value });
  }
  return headers;
}

/** The uri and querystring of a request target; undefined for a target CloudFront would not accept. */
export function splitTarget(target: string): { uri: string; querystring: string } | undefined {
  const question = target.indexOf("?");
  const uri = question === -1 ? target : target.slice(0, question);
  if (!uri.startsWith("/")) return undefined;
  return { uri, querystring: question === -1 ? "" : target.slice(question + 1) };
}

export function viewerRequestEvent(request: ViewerRequest, context: EventContext): unknown {
  const target = splitTarget(request.target);
  if (target === undefined) return undefined;
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: context.distributionDomainName,
            distributionId: context.distributionId,
            eventType: "viewer-request",
            requestId: context.requestId,
          },
          request: {
            clientIp: request.clientIp,
            headers: eventHeaders(request.rawHeaders),
            method: request.method,
            querystring: target.querystring,
            uri: target.uri,
          },
        },
      },
    ],
  };
}

const headersSchema = z.record(z.string(), z.array(z.object({ key: z.string().optional(), value: z.string() })));

const generatedResponseSchema = z.object({
  status: z.string().regex(/^[1-5]\d\d$/),
  statusDescription: z.string().optional(),
  headers: headersSchema.optional(),
  body: z.string().optional(),
  bodyEncoding: z.enum(["text", "base64"]).optional(),
});

const forwardedRequestSchema = z.object({
  uri: z.string().startsWith("/"),
  method: z.string().min(1),
  querystring: z.string(),
  headers: headersSchema,
});

export type GeneratedResponse = z.infer<typeof generatedResponseSchema>;
export type ForwardedRequest = z.infer<typeof forwardedRequestSchema>;
export type FunctionResult = { readonly kind: "respond"; readonly response: GeneratedResponse } | { readonly kind: "forward"; readonly request: ForwardedRequest };

/** Lambda@Edge caps a body generated at viewer request at 40 KB. */
export const maxGeneratedBodyBytes = 40 * 1024;

function invalid(why: string): EdgeEmulatorError {
  return new EdgeEmulatorError("FunctionResultInvalid", `the function's result was rejected: ${why}`);
}

function checkHeaderNames(headers: Record<string, readonly { key?: string | undefined }[]>): void {
  for (const [name, entries] of Object.entries(headers)) {
    if (name !== name.toLowerCase()) throw invalid(`header name ${name} is not lowercase`);
    if (entries.some((entry) => entry.key !== undefined && entry.key.toLowerCase() !== name)) throw invalid(`header ${name} has a key of another name`);
  }
}

/** Decodes a generated body into bytes. */
export function generatedBody(response: GeneratedResponse): Buffer {
  return Buffer.from(response.body ?? "", response.bodyEncoding === "base64" ? "base64" : "utf8");
}

/** A result CloudFront accepts, or EdgeEmulatorError FunctionResultInvalid (CloudFront: 502). */
export function parseFunctionResult(value: unknown): FunctionResult {
  if (typeof value === "object" && value !== null && "status" in value) {
    const parsed = generatedResponseSchema.safeParse(value);
    if (!parsed.success) throw invalid(z.prettifyError(parsed.error));
    checkHeaderNames(parsed.data.headers ?? {});
    if (generatedBody(parsed.data).length > maxGeneratedBodyBytes) throw invalid("the generated body is over 40 KB");
    return { kind: "respond", response: parsed.data };
  }
  const parsed = forwardedRequestSchema.safeParse(value);
  if (!parsed.success) throw invalid(z.prettifyError(parsed.error));
  checkHeaderNames(parsed.data.headers);
  return { kind: "forward", request: parsed.data };
}
