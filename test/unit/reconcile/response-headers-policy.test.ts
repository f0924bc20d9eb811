import type { ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { describe, expect, it } from "vitest";
import type { CorsSpec } from "../../../src/api/index.ts";
import { clusterKey, parseResponseHeadersPolicyName, sharedResponseHeadersPolicyName, type OwnerIdentity } from "../../../src/reconcile/common/naming.ts";
import {
  driftedSettings,
  isClusterPolicy,
  maxPolicyComment,
  settingsHash,
  sharedIndexFor,
  sharedResponseHeadersPolicy,
} from "../../../src/reconcile/response-headers-policy/desired.ts";

const owner: OwnerIdentity = { cluster: "prod-eu", clusterUid: "5d0c1f7e-aaaa-bbbb-cccc-ddddeeeeffff", namespace: "learning", name: "courses", uid: "0b7e3c1a-1111-2222-3333-444455556666" };
const cors: CorsSpec = { allowedOrigins: ["https://www.example.com", "https://app.example.com"], allowCredentials: true, maxAgeSeconds: 600 };

const copy = (config: ResponseHeadersPolicyConfig): ResponseHeadersPolicyConfig => JSON.parse(JSON.stringify(config)) as ResponseHeadersPolicyConfig;

describe("sharedResponseHeadersPolicy", () => {
  it("adds CORS for the spec's origins, HSTS and Cache-Control: private, all overriding what the origin sends", () => {
    expect(sharedResponseHeadersPolicy(owner, cors, 1)).toEqual({
      Name: sharedResponseHeadersPolicyName(clusterKey(owner), settingsHash(cors), 1),
      Comment: "Shared by the SecuredContentBuckets of cluster prod-eu with the same CORS settings",
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
    const config = sharedResponseHeadersPolicy(owner, undefined, 1);
    expect(config.CorsConfig).toBeUndefined();
    expect(config.SecurityHeadersConfig?.StrictTransportSecurity?.Override).toBe(true);
    expect(config.CustomHeadersConfig?.Items).toEqual([{ Header: "Cache-Control", Value: "private", Override: true }]);
  });

  it("is the same whatever order the spec lists its origins in", () => {
    const reversed = { ...cors, allowedOrigins: [...cors.allowedOrigins].reverse() };
    expect(sharedResponseHeadersPolicy(owner, reversed, 1)).toEqual(sharedResponseHeadersPolicy(owner, cors, 1));
  });

  it("fits the longest cluster names: a name of at most 64 characters of CloudFront's alphabet, a comment of at most 128", () => {
    const long: OwnerIdentity = { cluster: "c".repeat(300), namespace: "n".repeat(63), name: `${"x".repeat(200)}.v1`, uid: "u", clusterUid: "k".repeat(36) };
    const config = sharedResponseHeadersPolicy(long, cors, 999_999);
    expect(config.Name?.length).toBeLessThanOrEqual(64);
    expect(config.Name).toMatch(/^scb-headers-[0-9a-f]{8}-[0-9a-f]{12}-999999$/);
    expect(config.Comment).toHaveLength(maxPolicyComment);
  });
});

describe("shared response headers policy names", () => {
  const name = sharedResponseHeadersPolicy(owner, cors, 1).Name;

  it("are shared by every resource of the cluster with the same CORS settings, whatever its name or uid", () => {
    expect(sharedResponseHeadersPolicy({ ...owner, namespace: "media", name: "videos", uid: "another" }, cors, 1).Name).toBe(name);
    expect(sharedResponseHeadersPolicy({ ...owner, name: "videos" }, undefined, 1).Name).toBe(sharedResponseHeadersPolicy(owner, undefined, 1).Name);
  });

  it("differ for other CORS settings, another cluster, another number", () => {
    const others = [
      sharedResponseHeadersPolicy(owner, undefined, 1).Name,
      sharedResponseHeadersPolicy(owner, { ...cors, allowedOrigins: ["https://app.example.com"] }, 1).Name,
      sharedResponseHeadersPolicy(owner, { ...cors, allowCredentials: false }, 1).Name,
      sharedResponseHeadersPolicy(owner, { ...cors, maxAgeSeconds: 7200 }, 1).Name,
      sharedResponseHeadersPolicy({ ...owner, cluster: "prod-us" }, cors, 1).Name,
      sharedResponseHeadersPolicy(owner, cors, 2).Name,
    ];
    expect(new Set([name, ...others]).size).toBe(others.length + 1);
  });

  it("are read back: the number for a policy of these settings in this cluster, nothing for any other", () => {
    expect(sharedIndexFor(owner, cors, sharedResponseHeadersPolicy(owner, cors, 3).Name)).toBe(3);
    expect(sharedIndexFor(owner, undefined, name)).toBeUndefined();
    expect(sharedIndexFor({ ...owner, cluster: "prod-us" }, cors, name)).toBeUndefined();
    expect(sharedIndexFor(owner, cors, name?.replace(/-1$/, "-0"))).toBeUndefined();
    expect(sharedIndexFor(owner, cors, "Managed-CORS-With-Preflight")).toBeUndefined();
    expect(sharedIndexFor(owner, cors, undefined)).toBeUndefined();
    expect(parseResponseHeadersPolicyName(clusterKey(owner), name)).toEqual({ contentHash: settingsHash(cors), index: 1 });
  });

  it("tell the cluster's policies, of any settings, from everyone else's", () => {
    expect(isClusterPolicy(owner, name)).toBe(true);
    expect(isClusterPolicy(owner, sharedResponseHeadersPolicy(owner, undefined, 4).Name)).toBe(true);
    expect(isClusterPolicy({ ...owner, cluster: "prod-us" }, name)).toBe(false);
    expect(isClusterPolicy(owner, "scb-headers-learning-courses-0123456789")).toBe(false);
    expect(isClusterPolicy(owner, "my-security-headers")).toBe(false);
  });
});

describe("driftedSettings", () => {
  const desired = sharedResponseHeadersPolicy(owner, cors, 1);

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

  it("sees a renamed policy, or one whose comment was edited", () => {
    expect(driftedSettings({ ...copy(desired), Name: "renamed" }, desired)).toEqual(["Name"]);
    expect(driftedSettings({ ...copy(desired), Comment: "mine now" }, desired)).toEqual(["Comment"]);
  });
});
