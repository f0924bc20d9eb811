// The generated responses (Lambda@Edge shape) and the forwarded request.
import type { DenialStatus } from "./errors.ts";
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontResultResponse } from "./event.ts";
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

/** A fresh response object per call: CloudFront owns what the handler returns. */
export function denialResponse(status: DenialStatus): CloudFrontResultResponse {
  const template: DenialTemplate = templates[status];
  const headers: Record<string, { key: string; value: string }[]> = {
    "cache-control": [{ key: "Cache-Control", value: "no-store" }],
    "content-type": [{ key: "Content-Type", value: "text/plain; charset=utf-8" }],
  };
  if (template.challenge !== undefined) {
    headers["www-authenticate"] = [{ key: "WWW-Authenticate", value: template.challenge }];
  }
  return { status: String(status), statusDescription: template.description, headers, body: template.body, bodyEncoding: "text" };
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
