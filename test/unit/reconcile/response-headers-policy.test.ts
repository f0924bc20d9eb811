import type { ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { describe, expect, it } from "vitest";
import type { CorsSpec } from "../../../src/api/index.ts";
import { responseHeadersPolicyName, type OwnerIdentity } from "../../../src/reconcile/common/naming.ts";
import { desiredResponseHeadersPolicy, driftedSettings, maxPolicyComment } from "../../../src/reconcile/response-headers-policy/desired.ts";

const owner: OwnerIdentity = { cluster: "prod-eu", clusterUid: "5d0c1f7e-aaaa-bbbb-cccc-ddddeeeeffff", namespace: "learning", name: "courses", uid: "0b7e3c1a-1111-2222-3333-444455556666" };
const cors: CorsSpec = { allowedOrigins: ["https://www.example.com", "https://app.example.com"], allowCredentials: true, maxAgeSeconds: 600 };

const copy = (config: ResponseHeadersPolicyConfig): ResponseHeadersPolicyConfig => JSON.parse(JSON.stringify(config)) as ResponseHeadersPolicyConfig;

describe("desiredResponseHeadersPolicy", () => {
  it("adds CORS for the spec's origins, HSTS and Cache-Control: private, all overriding what the origin sends", () => {
    expect(desiredResponseHeadersPolicy(owner, cors)).toEqual({
      Name: responseHeadersPolicyName(owner),
      Comment: "SecuredContentBucket learning/courses in cluster prod-eu",
      CorsConfig: {
        AccessControlAllowOrigins: { Quantity: 2, Items: ["https://app.example.com", "https://www.example.com"] },
        AccessControlAllowHeaders: { Quantity: 2, Items: ["authorization", "range"] },
        AccessControlAllowMethods: { Quantity: 2, Items: ["GET", "HEAD"] },
        AccessControlExposeHeaders: { Quantity: 3, Items: ["Accept-Ranges", "Content-Length", "Content-Range"] },
        AccessControlAllowCredentials: true,
        AccessControlMaxAgeSec: 600,
        OriginOverride: true,
      },
      SecurityHeadersConfig: { StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: false, Preload: false, Override: true } },
      CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "Cache-Control", Value: "private", Override: true }] },
    });
  });

  it("has no CORS section without spec.cors, and keeps HSTS and Cache-Control: private", () => {
    const config = desiredResponseHeadersPolicy(owner, undefined);
    expect(config.CorsConfig).toBeUndefined();
    expect(config.SecurityHeadersConfig?.StrictTransportSecurity?.Override).toBe(true);
    expect(config.CustomHeadersConfig?.Items).toEqual([{ Header: "Cache-Control", Value: "private", Override: true }]);
  });

  it("is the same whatever order the spec lists its origins in", () => {
    const reversed = { ...cors, allowedOrigins: [...cors.allowedOrigins].reverse() };
    expect(desiredResponseHeadersPolicy(owner, reversed)).toEqual(desiredResponseHeadersPolicy(owner, cors));
  });

  it("fits the longest names: a name of at most 64 characters of CloudFront's alphabet, a comment of at most 128", () => {
    const long: OwnerIdentity = { cluster: "c".repeat(100), namespace: "n".repeat(63), name: `${"x".repeat(200)}.v1`, uid: "u", clusterUid: "k".repeat(36) };
    const config = desiredResponseHeadersPolicy(long, cors);
    expect(config.Name?.length).toBeLessThanOrEqual(64);
    expect(config.Name).toMatch(/^scb-headers-[a-zA-Z0-9_-]+$/);
    expect(config.Comment).toHaveLength(maxPolicyComment);
  });

  it("names each resource of each cluster differently, and the same resource the same way every time", () => {
    const name = responseHeadersPolicyName(owner);
    expect(responseHeadersPolicyName({ ...owner })).toBe(name);
    expect(responseHeadersPolicyName({ ...owner, cluster: "prod-us" })).not.toBe(name);
    expect(responseHeadersPolicyName({ ...owner, name: "videos" })).not.toBe(name);
    // The uid is not part of it: a policy created just before a crash is found again whatever status says.
    expect(responseHeadersPolicyName({ ...owner, uid: "another" })).toBe(name);
  });
});

describe("driftedSettings", () => {
  const desired = desiredResponseHeadersPolicy(owner, cors);

  it("is empty for what we created, and for the same config as CloudFront may return it (sets in another order, header names in another case)", () => {
    expect(driftedSettings(copy(desired), desired)).toEqual([]);
    const returned = copy(desired);
    const corsConfig = returned.CorsConfig;
    if (corsConfig?.AccessControlAllowOrigins?.Items === undefined || corsConfig.AccessControlExposeHeaders?.Items === undefined) throw new Error("no CORS");
    corsConfig.AccessControlAllowOrigins.Items.reverse();
    corsConfig.AccessControlExposeHeaders.Items = ["content-range", "ACCEPT-RANGES", "Content-Length"];
    returned.CustomHeadersConfig = { Quantity: 1, Items: [{ Header: "cache-control", Value: "private", Override: true }] };
    returned.RemoveHeadersConfig = { Quantity: 0 };
    returned.ServerTimingHeadersConfig = { Enabled: false };
    expect(driftedSettings(returned, desired)).toEqual([]);
  });

  it("names each setting someone changed, added or removed", () => {
    const edited = copy(desired);
    if (edited.CorsConfig?.AccessControlAllowOrigins === undefined || edited.SecurityHeadersConfig === undefined) throw new Error("no CORS");
    edited.CorsConfig.AccessControlAllowOrigins = { Quantity: 1, Items: ["*"] };
    edited.SecurityHeadersConfig.FrameOptions = { FrameOption: "DENY", Override: true };
    edited.CustomHeadersConfig = { Quantity: 1, Items: [{ Header: "Cache-Control", Value: "public, max-age=31536000", Override: true }] };
    edited.RemoveHeadersConfig = { Quantity: 1, Items: [{ Header: "Vary" }] };
    expect(driftedSettings(edited, desired)).toEqual(["CorsConfig", "OtherSecurityHeaders", "CustomHeadersConfig", "RemoveHeadersConfig"]);
    const withoutCors: ResponseHeadersPolicyConfig = { ...copy(desired), CorsConfig: undefined };
    expect(driftedSettings(withoutCors, desired)).toEqual(["CorsConfig"]);
    const hsts = copy(desired);
    if (hsts.SecurityHeadersConfig?.StrictTransportSecurity === undefined) throw new Error("no HSTS");
    hsts.SecurityHeadersConfig.StrictTransportSecurity.Override = false;
    expect(driftedSettings(hsts, desired)).toEqual(["StrictTransportSecurity"]);
  });

  it("sees a spec change: another origin, credentials off, another max-age, or CORS removed", () => {
    expect(driftedSettings(desired, desiredResponseHeadersPolicy(owner, { ...cors, allowedOrigins: ["https://app.example.com"] }))).toEqual(["CorsConfig"]);
    expect(driftedSettings(desired, desiredResponseHeadersPolicy(owner, { ...cors, allowCredentials: false }))).toEqual(["CorsConfig"]);
    expect(driftedSettings(desired, desiredResponseHeadersPolicy(owner, { ...cors, maxAgeSeconds: 7200 }))).toEqual(["CorsConfig"]);
    expect(driftedSettings(desired, desiredResponseHeadersPolicy(owner, undefined))).toEqual(["CorsConfig"]);
  });
});
