// The viewer protocol policy, as far as a loopback HTTP server can model it. Every request the emulator receives
// stands for an HTTPS request to CloudFront, unless the test marks it as plain HTTP with the harness-only
// `x-harness-viewer-protocol: http` header; for such a request the distribution's ViewerProtocolPolicy decides,
// before any function runs, as on CloudFront: https-only refuses it (403), redirect-to-https redirects it (301 to
// the https URL), allow-all serves it. The marker never reaches the function or the origin.

export const viewerProtocolHeader = "x-harness-viewer-protocol";

export type ViewerProtocolPolicy = "allow-all" | "https-only" | "redirect-to-https";

export type ProtocolDecision =
  | { readonly kind: "serve" }
  | { readonly kind: "refuse" }
  | { readonly kind: "redirect"; readonly location: string };

/** What CloudFront does with a request that came over `protocol` (from the marker header; https when absent). */
export function viewerProtocolDecision(policy: ViewerProtocolPolicy, protocol: string | undefined, host: string, target: string): ProtocolDecision {
  if (protocol?.toLowerCase() !== "http" || policy === "allow-all") return { kind: "serve" };
  if (policy === "https-only") return { kind: "refuse" };
  return { kind: "redirect", location: `https://${host}${target}` };
}

/** Node's rawHeaders without the harness's marker, so the function sees what CloudFront would give it. */
export function withoutProtocolMarker(rawHeaders: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? "";
    if (name.toLowerCase() !== viewerProtocolHeader) kept.push(name, rawHeaders[i + 1] ?? "");
  }
  return kept;
}
