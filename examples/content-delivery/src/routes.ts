// The HTTP API as a pure function: a method, a request target and the current address in; a reply out.
import type { ContentAddress } from "./content-address.ts";

export interface Reply {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

const coursesPrefix = "/courses/";
const retryAfterSeconds = "10";

/** GET /courses/<key> → {url}; /healthz and /readyz for the kubelet. */
export function route(method: string, target: string, address: ContentAddress): Reply {
  const path = target.split("?")[0] ?? "";
  if (path === "/healthz") return { status: 200, body: { status: "ok" } };
  if (path === "/readyz") return readiness(address);
  if (!path.startsWith(coursesPrefix)) return notFound();
  if (method !== "GET" && method !== "HEAD") return { status: 405, body: { error: "only GET and HEAD are allowed" }, headers: { allow: "GET, HEAD" } };
  const segments = objectKeySegments(path.slice(coursesPrefix.length));
  if (segments === undefined) return notFound();
  if (address.state !== "ready") {
    return { status: 503, body: { error: "the content address is not available yet", reason: address.reason }, headers: { "retry-after": retryAfterSeconds } };
  }
  return { status: 200, body: { url: contentUrl(address.baseUrl, segments) } };
}

function readiness(address: ContentAddress): Reply {
  return address.state === "ready"
    ? { status: 200, body: { status: "ready" } }
    : { status: 503, body: { status: "unavailable", reason: address.reason }, headers: { "retry-after": retryAfterSeconds } };
}

function notFound(): Reply {
  return { status: 404, body: { error: "not found: ask for /courses/<object key>" } };
}

/**
 * The decoded segments of an object key, or undefined for one no course object can have: empty, with empty
 * segments, with `.` or `..` (which a browser or CDN would collapse), or with control characters.
 */
export function objectKeySegments(encodedKey: string): string[] | undefined {
  if (encodedKey === "") return undefined;
  const segments: string[] = [];
  for (const encoded of encodedKey.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return undefined;
    }
    if (segment === "" || segment === "." || segment === ".." || segment.includes("/")) return undefined;
    if (hasControlCharacter(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** https://<distribution domain>/<key>, each segment percent-encoded once. */
export function contentUrl(baseUrl: string, segments: readonly string[]): string {
  return `${baseUrl.replace(/\/+$/, "")}/${segments.map((segment) => encodeURIComponent(segment)).join("/")}`;
}
