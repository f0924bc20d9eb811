// The edge emulator's viewer protocol rule: a request the tests mark as plain HTTP meets the distribution's
// ViewerProtocolPolicy as on CloudFront; the marker never reaches the function.
import { describe, expect, it } from "vitest";
import { viewerProtocolDecision, withoutProtocolMarker } from "../../edge-emulator/viewer-protocol.ts";

describe("the edge emulator's viewer protocol policy", () => {
  it("refuses plain HTTP under https-only, redirects it under redirect-to-https, serves it under allow-all", () => {
    expect(viewerProtocolDecision("https-only", "http", "d1.cloudfront.net", "/a?b=1")).toEqual({ kind: "refuse" });
    expect(viewerProtocolDecision("redirect-to-https", "HTTP", "d1.cloudfront.net", "/a?b=1")).toEqual({ kind: "redirect", location: "https://d1.cloudfront.net/a?b=1" });
    expect(viewerProtocolDecision("allow-all", "http", "d1.cloudfront.net", "/a")).toEqual({ kind: "serve" });
  });

  it("takes an unmarked request for HTTPS", () => {
    expect(viewerProtocolDecision("https-only", undefined, "h", "/")).toEqual({ kind: "serve" });
    expect(viewerProtocolDecision("https-only", "https", "h", "/")).toEqual({ kind: "serve" });
  });

  it("drops the marker from the headers the function sees, in any spelling", () => {
    expect(withoutProtocolMarker(["Host", "h", "X-Harness-Viewer-Protocol", "http", "cookie", "a=1"])).toEqual(["Host", "h", "cookie", "a=1"]);
  });
});
