// The response headers policy of the default cache behaviour, as CloudFront applies it to what it sends viewers:
// CORS headers for requests from an allowed origin, the security headers, and the custom headers, each with its
// origin-override rule. Read with GetResponseHeadersPolicy (the API's ResponseHeadersPolicy >
// ResponseHeadersPolicyConfig shape, parsed with zod), and parsed again only when the policy's ETag changes.
import { GetResponseHeadersPolicyCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { z } from "zod";
import { EdgeEmulatorError } from "./errors.ts";

const stringList = z.object({ Quantity: z.number(), Items: z.array(z.string()).optional() });
const override = { Override: z.boolean() };

const corsConfigSchema = z.object({
  AccessControlAllowOrigins: stringList,
  AccessControlAllowHeaders: stringList,
  AccessControlAllowMethods: stringList,
  AccessControlAllowCredentials: z.boolean(),
  AccessControlExposeHeaders: stringList.optional(),
  AccessControlMaxAgeSec: z.number().optional(),
  OriginOverride: z.boolean(),
});

const securityHeadersConfigSchema = z.object({
  StrictTransportSecurity: z
    .object({ ...override, AccessControlMaxAgeSec: z.number(), IncludeSubdomains: z.boolean().optional(), Preload: z.boolean().optional() })
    .optional(),
  ContentTypeOptions: z.object(override).optional(),
  FrameOptions: z.object({ ...override, FrameOption: z.string() }).optional(),
  ReferrerPolicy: z.object({ ...override, ReferrerPolicy: z.string() }).optional(),
  ContentSecurityPolicy: z.object({ ...override, ContentSecurityPolicy: z.string() }).optional(),
  XSSProtection: z
    .object({ ...override, Protection: z.boolean(), ModeBlock: z.boolean().optional(), ReportUri: z.string().optional() })
    .optional(),
});

const policyConfigSchema = z.object({
  Name: z.string(),
  CorsConfig: corsConfigSchema.optional(),
  SecurityHeadersConfig: securityHeadersConfigSchema.optional(),
  CustomHeadersConfig: z
    .object({ Quantity: z.number(), Items: z.array(z.object({ Header: z.string(), Value: z.string(), ...override })).optional() })
    .optional(),
  RemoveHeadersConfig: z.object({ Quantity: z.number() }).optional(),
  ServerTimingHeadersConfig: z.object({ Enabled: z.boolean() }).optional(),
});

const policySchema = z.object({ Id: z.string(), ResponseHeadersPolicyConfig: policyConfigSchema });

/** One header the policy sets: `override` false keeps the origin's own value when it sent one. */
export interface PolicyHeader {
  readonly name: string;
  readonly value: string;
  readonly override: boolean;
}

export interface PolicyCors {
  /** Exact origins, `*`, or `https://*.example.org` (a wildcard only as the leftmost label). */
  readonly allowOrigins: readonly string[];
  readonly allowCredentials: boolean;
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSec: number | undefined;
  readonly originOverride: boolean;
}

/** What a response headers policy adds to responses. */
export interface ResponseHeadersPlan {
  readonly name: string;
  readonly cors: PolicyCors | undefined;
  /** The security headers, then the custom headers, lowercase names. */
  readonly headers: readonly PolicyHeader[];
}

// ALL in AccessControlAllowMethods stands for every method CloudFront lists for it.
const allMethods = ["GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

function securityHeaders(config: z.infer<typeof securityHeadersConfigSchema> | undefined): PolicyHeader[] {
  if (config === undefined) return [];
  const headers: PolicyHeader[] = [];
  const hsts = config.StrictTransportSecurity;
  if (hsts !== undefined) {
    const value = [`max-age=${hsts.AccessControlMaxAgeSec}`, ...(hsts.IncludeSubdomains === true ? ["includeSubDomains"] : []), ...(hsts.Preload === true ? ["preload"] : [])];
    headers.push({ name: "strict-transport-security", value: value.join("; "), override: hsts.Override });
  }
  if (config.ContentTypeOptions !== undefined) headers.push({ name: "x-content-type-options", value: "nosniff", override: config.ContentTypeOptions.Override });
  if (config.FrameOptions !== undefined) headers.push({ name: "x-frame-options", value: config.FrameOptions.FrameOption, override: config.FrameOptions.Override });
  if (config.ReferrerPolicy !== undefined) headers.push({ name: "referrer-policy", value: config.ReferrerPolicy.ReferrerPolicy, override: config.ReferrerPolicy.Override });
  const csp = config.ContentSecurityPolicy;
  if (csp !== undefined) headers.push({ name: "content-security-policy", value: csp.ContentSecurityPolicy, override: csp.Override });
  const xss = config.XSSProtection;
  if (xss !== undefined) {
    const value = !xss.Protection ? "0" : ["1", ...(xss.ModeBlock === true ? ["mode=block"] : []), ...(xss.ReportUri === undefined ? [] : [`report=${xss.ReportUri}`])].join("; ");
    headers.push({ name: "x-xss-protection", value, override: xss.Override });
  }
  return headers;
}

function policyCors(cors: z.infer<typeof corsConfigSchema>): PolicyCors {
  const methods = cors.AccessControlAllowMethods.Items ?? [];
  return {
    allowOrigins: cors.AccessControlAllowOrigins.Items ?? [],
    allowCredentials: cors.AccessControlAllowCredentials,
    allowMethods: methods.includes("ALL") ? allMethods : methods,
    allowHeaders: cors.AccessControlAllowHeaders.Items ?? [],
    exposeHeaders: cors.AccessControlExposeHeaders?.Items ?? [],
    maxAgeSec: cors.AccessControlMaxAgeSec,
    originOverride: cors.OriginOverride,
  };
}

/** The plan of one policy; refuses what the emulator does not model (removing headers, Server-Timing). */
export function responseHeadersPlan(policy: unknown): ResponseHeadersPlan {
  const config = policySchema.parse(policy).ResponseHeadersPolicyConfig;
  if ((config.RemoveHeadersConfig?.Quantity ?? 0) > 0) throw new EdgeEmulatorError("NotModelled", "removing headers with a response headers policy is not modelled");
  if (config.ServerTimingHeadersConfig?.Enabled === true) throw new EdgeEmulatorError("NotModelled", "the Server-Timing header is not modelled");
  return {
    name: config.Name,
    cors: config.CorsConfig === undefined ? undefined : policyCors(config.CorsConfig),
    headers: [
      ...securityHeaders(config.SecurityHeadersConfig),
      ...(config.CustomHeadersConfig?.Items ?? []).map((item) => ({ name: item.Header.toLowerCase(), value: item.Value, override: item.Override })),
    ],
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The Access-Control-Allow-Origin value for a request's Origin, or undefined when the policy does not allow it. */
export function allowedOriginValue(allowOrigins: readonly string[], origin: string): string | undefined {
  for (const item of allowOrigins) {
    if (item === origin) return origin;
    if (item.includes("*") && item !== "*") {
      // A leftmost wildcard label matches one or more labels of the origin's host.
      const pattern = new RegExp(`^${escapeRegExp(item).replace("\\*", "[a-z0-9-]+(?:\\.[a-z0-9-]+)*")}$`, "i");
      if (pattern.test(origin)) return origin;
    }
  }
  return allowOrigins.includes("*") ? "*" : undefined;
}

/** What the policy needs to know of the viewer's request. */
export interface ViewerRequestFacts {
  readonly method: string;
  /** The Origin header, when sent exactly once. */
  readonly origin: string | undefined;
  /** Whether an Access-Control-Request-Method header was sent (with OPTIONS: a CORS preflight). */
  readonly requestsMethod: boolean;
}

function corsHeaders(cors: PolicyCors, request: ViewerRequestFacts): PolicyHeader[] {
  if (request.origin === undefined) return [];
  const allowOrigin = allowedOriginValue(cors.allowOrigins, request.origin);
  if (allowOrigin === undefined) return [];
  const override = cors.originOverride;
  const headers: PolicyHeader[] = [{ name: "access-control-allow-origin", value: allowOrigin, override }];
  if (cors.allowCredentials) headers.push({ name: "access-control-allow-credentials", value: "true", override });
  if (request.method === "OPTIONS" && request.requestsMethod) {
    // The preflight-only headers: only an answer to a preflight carries them.
    headers.push({ name: "access-control-allow-methods", value: cors.allowMethods.join(", "), override });
    headers.push({ name: "access-control-allow-headers", value: cors.allowHeaders.join(", "), override });
    if (cors.maxAgeSec !== undefined) headers.push({ name: "access-control-max-age", value: String(cors.maxAgeSec), override });
  } else if (cors.exposeHeaders.length > 0) {
    headers.push({ name: "access-control-expose-headers", value: cors.exposeHeaders.join(", "), override });
  }
  return headers;
}

/**
 * The viewer's headers once the policy is applied to a response's own (lowercase names): a header the policy
 * sets replaces the response's when its override is true, and is added when the response has none.
 */
export function applyResponseHeadersPlan(plan: ResponseHeadersPlan, request: ViewerRequestFacts, headers: Readonly<Record<string, string>>): Record<string, string> {
  const result = { ...headers };
  const added = [...(plan.cors === undefined ? [] : corsHeaders(plan.cors, request)), ...plan.headers];
  for (const header of added) {
    if (header.override || !(header.name in result)) result[header.name] = header.value;
  }
  return result;
}

/**
 * Reads policies from the emulated CloudFront, parsing each version once. A policy that cannot be read (none by
 * that id, or an emulator without the API) adds no headers; `onUnreadable` hears of it once per id.
 */
export class ResponseHeadersPolicies {
  readonly #cloudFront: CloudFrontClient;
  readonly #onUnreadable: (error: Error) => void;
  readonly #parsed = new Map<string, { etag: string; plan: ResponseHeadersPlan }>();
  readonly #reported = new Set<string>();

  constructor(cloudFront: CloudFrontClient, onUnreadable: (error: Error) => void) {
    this.#cloudFront = cloudFront;
    this.#onUnreadable = onUnreadable;
  }

  async plan(id: string): Promise<ResponseHeadersPlan | undefined> {
    let result;
    try {
      result = await this.#cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: id }));
    } catch (error) {
      if (!isUnreadable(error)) throw error;
      if (!this.#reported.has(id)) {
        this.#reported.add(id);
        this.#onUnreadable(new Error(`response headers policy ${id} could not be read (${(error as Error).name}); its headers are not added`, { cause: error }));
      }
      return undefined;
    }
    const etag = result.ETag ?? "";
    const cached = this.#parsed.get(id);
    if (cached?.etag === etag && etag !== "") return cached.plan;
    const plan = responseHeadersPlan(result.ResponseHeadersPolicy);
    this.#parsed.set(id, { etag, plan });
    return plan;
  }
}

/** NoSuchResponseHeadersPolicy, or an emulated CloudFront that does not implement the call (404, 501). */
function isUnreadable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "NoSuchResponseHeadersPolicy" || error.name === "NotImplemented") return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 || status === 501;
}
