// The generated responses (Lambda@Edge shape) and the forwarded request.
import type { DenialStatus } from "./errors.ts";
import { setHeader, type CloudFrontHeaders, type CloudFrontRequest, type CloudFrontResultResponse, type ResponseHeaders } from "./event.ts";
import { withoutCognitoCookies } from "./token-source.ts";

interface DenialTemplate {
  readonly description: string;
  readonly body: string;
  readonly challenge?: string;
}

// RFC 6750 §3: a bearer challenge on 401, and insufficient_scope on 403. Bodies stay short and say nothing more.
const templates = {
  401: { description: "Unauthorized", body: "Unauthorized\n", challenge: 'Bearer error="invalid_token"' },
  403: { description: "Forbidden", body: "Forbidden\n", challenge: 'Bearer error="insufficient_scope"' },
  500: { description: "Internal Server Error", body: "Internal Server Error\n" },
} as const satisfies Record<DenialStatus, DenialTemplate>;

// no-store alone forbids every cache to keep the answer; private is there for caches that only know that.
const cacheControl = "private, no-store";

function baseHeaders(): ResponseHeaders {
  const headers: ResponseHeaders = {};
  setHeader(headers, "Cache-Control", cacheControl);
  return headers;
}

export interface DenialOptions {
  /** Headers to add, such as the CORS headers for the request's origin. */
  readonly headers?: ResponseHeaders;
  /** Whether to send the RFC 6750 challenge; a refused preflight is not about a token, so it sends none. */
  readonly challenge?: boolean;
}

/** A fresh response object per call: CloudFront owns what the handler returns. */
export function denialResponse(status: DenialStatus, options: DenialOptions = {}): CloudFrontResultResponse {
  const template: DenialTemplate = templates[status];
  const headers = baseHeaders();
  setHeader(headers, "Content-Type", "text/plain; charset=utf-8");
  Object.assign(headers, options.headers);
  if (template.challenge !== undefined && options.challenge !== false) setHeader(headers, "WWW-Authenticate", template.challenge);
  return { status: String(status), statusDescription: template.description, headers, body: template.body, bodyEncoding: "text" };
}

/** The answer to an allowed CORS preflight: 204, no body, the CORS headers and no-store. */
export function preflightResponse(corsHeaders: ResponseHeaders): CloudFrontResultResponse {
  return { status: "204", statusDescription: "No Content", headers: { ...baseHeaders(), ...corsHeaders } };
}

/**
 * The request as CloudFront should forward it: without the credentials. OAC signs the origin request, so the
 * Authorization header goes, and so do the Cognito cookies (tokens, refresh token, LastAuthUser); other
 * cookies stay, and the Cookie header goes when nothing is left.
 */
export function forwardedRequest(request: CloudFrontRequest): CloudFrontRequest {
  const headers: CloudFrontHeaders = { ...request.headers };
  delete headers.authorization;
  const cookies = headers.cookie;
  if (cookies !== undefined) {
    const kept = withoutCognitoCookies(cookies);
    if (kept.length > 0) headers.cookie = kept;
    else delete headers.cookie;
  }
  return { ...request, headers };
}
