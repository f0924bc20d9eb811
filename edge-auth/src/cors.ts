// CORS at the edge: preflights are answered here and never forwarded, and the function's own denials tell an
// allowed origin's app what happened (without CORS headers a browser hides even the status from the app).
import type { CorsConfig } from "./config.ts";
import { deny, type Denial } from "./errors.ts";
import { setHeader, type CloudFrontHeaders, type CloudFrontRequest, type ResponseHeaders } from "./event.ts";

/** What a cross-origin app may do: read with GET or HEAD, sending a bearer token and a byte range. */
export const corsAllowedMethods = ["GET", "HEAD"] as const;
export const corsAllowedRequestHeaders = ["authorization", "range"] as const;
const allowMethodsValue = corsAllowedMethods.join(", ");
const allowHeadersValue = corsAllowedRequestHeaders.join(", ");

export type PreflightOutcome = { readonly ok: true; readonly headers: ResponseHeaders } | Denial;

export interface Cors {
  /**
   * Headers for a generated response: `Vary: Origin` whenever CORS is configured, and the allow-origin (and
   * credentials) headers when the request's Origin is allowed. Never throws, whatever the headers hold.
   */
  responseHeaders(headers: CloudFrontHeaders): ResponseHeaders;
  /** A preflight's answer: the headers of a 204, or the reason it is refused (with no CORS headers). */
  preflight(headers: CloudFrontHeaders): PreflightOutcome;
  /** Only `Vary: Origin` (when CORS is configured): for a refused preflight, or when the request is unreadable. */
  varyHeaders(): ResponseHeaders;
}

/**
 * A CORS preflight (Fetch standard): OPTIONS with Access-Control-Request-Method. An OPTIONS without it is an
 * ordinary request and needs a token like any other; one with it is a preflight even if it carries a token.
 */
export function isPreflight(request: CloudFrontRequest): boolean {
  return request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined;
}

/** The value of a header sent exactly once; undefined when it is absent, repeated or not a string. */
function onlyValue(headers: CloudFrontHeaders, name: string): string | undefined {
  const entries = headers[name];
  if (entries?.length !== 1) return undefined;
  const value: unknown = entries[0]?.value;
  return typeof value === "string" ? value : undefined;
}

/** Access-Control-Request-Headers: comma-separated names, any case, possibly over several header lines. */
function requestedHeadersAllowed(entries: CloudFrontHeaders[string]): boolean {
  for (const entry of entries ?? []) {
    const value: unknown = entry.value;
    if (typeof value !== "string") return false;
    for (const item of value.split(",")) {
      const name = item.trim().toLowerCase();
      if (name !== "" && !(corsAllowedRequestHeaders as readonly string[]).includes(name)) return false;
    }
  }
  return true;
}

const noCors: Cors = {
  responseHeaders: () => ({}),
  preflight: () => deny("origin_not_allowed"),
  varyHeaders: () => ({}),
};

/** The CORS rules of one config. Without a `cors` section nothing changes but that every preflight is refused. */
export function createCors(config: CorsConfig | undefined): Cors {
  if (config === undefined) return noCors;
  const origins = new Set(config.allowedOrigins);
  const maxAge = String(config.maxAgeSeconds);

  function allowedOrigin(headers: CloudFrontHeaders): string | undefined {
    const origin = onlyValue(headers, "origin");
    return origin !== undefined && origins.has(origin) ? origin : undefined;
  }

  function originHeaders(origin: string | undefined): ResponseHeaders {
    const headers: ResponseHeaders = {};
    setHeader(headers, "Vary", "Origin");
    if (origin !== undefined) {
      setHeader(headers, "Access-Control-Allow-Origin", origin);
      if (config?.allowCredentials === true) setHeader(headers, "Access-Control-Allow-Credentials", "true");
    }
    return headers;
  }

  return {
    responseHeaders: (headers) => {
      try {
        return originHeaders(allowedOrigin(headers));
      } catch {
        return originHeaders(undefined);
      }
    },
    preflight: (headers) => {
      const origin = allowedOrigin(headers);
      if (origin === undefined) return deny("origin_not_allowed");
      const method = onlyValue(headers, "access-control-request-method");
      if (!(corsAllowedMethods as readonly (string | undefined)[]).includes(method)) return deny("preflight_not_allowed");
      if (!requestedHeadersAllowed(headers["access-control-request-headers"])) return deny("preflight_not_allowed");
      const answer = originHeaders(origin);
      setHeader(answer, "Access-Control-Allow-Methods", allowMethodsValue);
      setHeader(answer, "Access-Control-Allow-Headers", allowHeadersValue);
      setHeader(answer, "Access-Control-Max-Age", maxAge);
      return { ok: true, headers: answer };
    },
    varyHeaders: () => originHeaders(undefined),
  };
}
