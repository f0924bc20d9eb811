// The edge emulator's response headers policy: parsed from GetResponseHeadersPolicy's ResponseHeadersPolicy shape
// and applied to origin responses as the CloudFront developer guide describes (CORS for allowed origins, the
// security and custom headers, each with its origin-override rule).
import { Readable } from "node:stream";
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { describe, expect, it } from "vitest";
import { EdgeEmulatorError } from "../../edge-emulator/errors.ts";
import { allowedOriginValue, applyResponseHeadersPlan, ResponseHeadersPolicies, responseHeadersPlan, type ViewerRequestFacts } from "../../edge-emulator/response-headers-policy.ts";

const app = "https://learn.example.com";

/** A policy as GetResponseHeadersPolicy returns it: CORS for one app, HSTS, and two custom headers. */
function policy(changes: { cors?: Record<string, unknown>; config?: Record<string, unknown> } = {}): unknown {
  return {
    Id: "57f99797-3b20-4e1b-a728-27972a74082a",
    LastModifiedTime: new Date("2026-12-01T00:00:00Z"),
    ResponseHeadersPolicyConfig: {
      Name: "securedcontent-learning-courses",
      Comment: "",
      CorsConfig: {
        AccessControlAllowOrigins: { Quantity: 1, Items: [app] },
        AccessControlAllowHeaders: { Quantity: 2, Items: ["authorization", "range"] },
        AccessControlAllowMethods: { Quantity: 2, Items: ["GET", "HEAD"] },
        AccessControlAllowCredentials: true,
        AccessControlExposeHeaders: { Quantity: 3, Items: ["Content-Range", "Accept-Ranges", "Content-Length"] },
        AccessControlMaxAgeSec: 600,
        OriginOverride: true,
        ...changes.cors,
      },
      SecurityHeadersConfig: {
        StrictTransportSecurity: { Override: true, AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Preload: false },
      },
      CustomHeadersConfig: {
        Quantity: 2,
        Items: [
          { Header: "Cache-Control", Value: "private, max-age=300", Override: true },
          { Header: "X-Course", Value: "courses", Override: false },
        ],
      },
      ...changes.config,
    },
  };
}

const get = (origin?: string): ViewerRequestFacts => ({ method: "GET", origin, requestsMethod: false });
const originResponse = { "content-type": "video/webm", "content-length": "100868", "cache-control": "max-age=86400" };

describe("the edge emulator's response headers policy", () => {
  it("adds the CORS headers, HSTS and the custom headers to an origin response for an allowed origin", () => {
    const headers = applyResponseHeadersPlan(responseHeadersPlan(policy()), get(app), originResponse);
    expect(headers).toEqual({
      "content-type": "video/webm",
      "content-length": "100868",
      "access-control-allow-origin": app,
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "Content-Range, Accept-Ranges, Content-Length",
      "strict-transport-security": "max-age=31536000; includeSubDomains",
      "cache-control": "private, max-age=300",
      "x-course": "courses",
    });
  });

  it("adds no CORS headers for a request without Origin or from an origin not listed", () => {
    const plan = responseHeadersPlan(policy());
    for (const request of [get(undefined), get("https://evil.example.net")]) {
      const headers = applyResponseHeadersPlan(plan, request, originResponse);
      expect(Object.keys(headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
      expect(headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    }
  });

  it("keeps the origin's header when the override is off, and adds the policy's when the origin sent none", () => {
    const plan = responseHeadersPlan(policy({ cors: { OriginOverride: false } }));
    const fromOrigin = applyResponseHeadersPlan(plan, get(app), { ...originResponse, "access-control-allow-origin": "*", "x-course": "origin's" });
    expect(fromOrigin["access-control-allow-origin"]).toBe("*");
    expect(fromOrigin["x-course"]).toBe("origin's");
    expect(fromOrigin["access-control-allow-credentials"]).toBe("true");
    const overridden = applyResponseHeadersPlan(responseHeadersPlan(policy()), get(app), { ...originResponse, "access-control-allow-origin": "*" });
    expect(overridden["access-control-allow-origin"]).toBe(app);
  });

  it("answers a preflight that reaches the origin with the preflight headers instead of the exposed ones", () => {
    const headers = applyResponseHeadersPlan(responseHeadersPlan(policy()), { method: "OPTIONS", origin: app, requestsMethod: true }, {});
    expect(headers).toMatchObject({ "access-control-allow-methods": "GET, HEAD", "access-control-allow-headers": "authorization, range", "access-control-max-age": "600" });
    expect(headers["access-control-expose-headers"]).toBeUndefined();
  });

  it("matches *, a leftmost wildcard label, and exact origins only", () => {
    expect(allowedOriginValue(["*"], app)).toBe("*");
    expect(allowedOriginValue(["https://*.example.com"], app)).toBe(app);
    expect(allowedOriginValue(["https://*.example.com"], "https://example.com")).toBeUndefined();
    expect(allowedOriginValue(["https://*.example.com"], "https://learn.example.com.evil.net")).toBeUndefined();
    expect(allowedOriginValue([app], "https://learn.example.com:8443")).toBeUndefined();
  });

  it("spells every security header as CloudFront does", () => {
    const plan = responseHeadersPlan(
      policy({
        config: {
          CorsConfig: undefined,
          CustomHeadersConfig: { Quantity: 0 },
          SecurityHeadersConfig: {
            StrictTransportSecurity: { Override: false, AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: true },
            ContentTypeOptions: { Override: true },
            FrameOptions: { Override: true, FrameOption: "DENY" },
            ReferrerPolicy: { Override: true, ReferrerPolicy: "same-origin" },
            ContentSecurityPolicy: { Override: true, ContentSecurityPolicy: "default-src 'none'" },
            XSSProtection: { Override: true, Protection: true, ModeBlock: true },
          },
        },
      }),
    );
    expect(applyResponseHeadersPlan(plan, get(app), { "strict-transport-security": "max-age=1" })).toEqual({
      "strict-transport-security": "max-age=1",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "same-origin",
      "content-security-policy": "default-src 'none'",
      "x-xss-protection": "1; mode=block",
    });
  });

  it("refuses what it does not model instead of ignoring it", () => {
    const removing = policy({ config: { RemoveHeadersConfig: { Quantity: 1, Items: [{ Header: "Vary" }] } } });
    expect(() => responseHeadersPlan(removing)).toThrow(EdgeEmulatorError);
    const timing = policy({ config: { ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 100 } } });
    expect(() => responseHeadersPlan(timing)).toThrow(/Server-Timing/);
    expect(() => responseHeadersPlan({ Id: "x" })).toThrow();
  });
});

describe("the edge emulator's policy reader", () => {
  interface HttpAnswer {
    readonly status: number;
    readonly etag?: string;
    readonly xml: string;
  }

  /** A real CloudFront client whose HTTP answers come from a list, in order: the SDK parses them as from AWS. */
  function cloudFrontAnswering(answers: readonly HttpAnswer[]): { client: CloudFrontClient; calls: () => number } {
    let calls = 0;
    const handle = (): Promise<unknown> => {
      const answer = answers[Math.min(calls, answers.length - 1)] ?? { status: 500, xml: "" };
      calls += 1;
      const headers = { "content-type": "text/xml", "x-amzn-requestid": "req-1", ...(answer.etag === undefined ? {} : { etag: answer.etag }) };
      return Promise.resolve({ response: { statusCode: answer.status, headers, body: Readable.from([Buffer.from(answer.xml)]) } });
    };
    const client = new CloudFrontClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1, requestHandler: { handle } as never });
    return { client, calls: () => calls };
  }

  // GetResponseHeadersPolicy's response as the API reference spells it: list members named Origin, Method,
  // Header and ResponseHeadersPolicyCustomHeader.
  const policyXml = (cacheControl: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<ResponseHeadersPolicy xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
  <Id>57f99797-3b20-4e1b-a728-27972a74082a</Id>
  <LastModifiedTime>2026-12-01T00:00:00Z</LastModifiedTime>
  <ResponseHeadersPolicyConfig>
    <Comment>courses</Comment>
    <Name>securedcontent-learning-courses</Name>
    <CorsConfig>
      <AccessControlAllowOrigins><Quantity>1</Quantity><Items><Origin>${app}</Origin></Items></AccessControlAllowOrigins>
      <AccessControlAllowHeaders><Quantity>2</Quantity><Items><Header>authorization</Header><Header>range</Header></Items></AccessControlAllowHeaders>
      <AccessControlAllowMethods><Quantity>2</Quantity><Items><Method>GET</Method><Method>HEAD</Method></Items></AccessControlAllowMethods>
      <AccessControlAllowCredentials>true</AccessControlAllowCredentials>
      <AccessControlExposeHeaders><Quantity>2</Quantity><Items><Header>Content-Range</Header><Header>Accept-Ranges</Header></Items></AccessControlExposeHeaders>
      <AccessControlMaxAgeSec>600</AccessControlMaxAgeSec>
      <OriginOverride>true</OriginOverride>
    </CorsConfig>
    <SecurityHeadersConfig>
      <StrictTransportSecurity><Override>true</Override><IncludeSubdomains>true</IncludeSubdomains><Preload>false</Preload><AccessControlMaxAgeSec>31536000</AccessControlMaxAgeSec></StrictTransportSecurity>
    </SecurityHeadersConfig>
    <CustomHeadersConfig>
      <Quantity>1</Quantity>
      <Items><ResponseHeadersPolicyCustomHeader><Header>Cache-Control</Header><Value>${cacheControl}</Value><Override>true</Override></ResponseHeadersPolicyCustomHeader></Items>
    </CustomHeadersConfig>
  </ResponseHeadersPolicyConfig>
</ResponseHeadersPolicy>`;

  const errorXml = (code: string): string =>
    `<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`;

  it("reads a policy from GetResponseHeadersPolicy's XML into the headers it adds", async () => {
    const { client } = cloudFrontAnswering([{ status: 200, etag: "E1", xml: policyXml("private") }]);
    const plan = await new ResponseHeadersPolicies(client, () => undefined).plan("p1");
    expect(plan === undefined ? undefined : applyResponseHeadersPlan(plan, get(app), {})).toEqual({
      "access-control-allow-origin": app,
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "Content-Range, Accept-Ranges",
      "strict-transport-security": "max-age=31536000; includeSubDomains",
      "cache-control": "private",
    });
  });

  it("adds nothing for a policy CloudFront cannot return, and says so once per id", async () => {
    const reported: string[] = [];
    const { client } = cloudFrontAnswering([{ status: 404, xml: errorXml("NoSuchResponseHeadersPolicy") }]);
    const policies = new ResponseHeadersPolicies(client, (error) => reported.push(error.message));
    expect(await policies.plan("p1")).toBeUndefined();
    expect(await policies.plan("p1")).toBeUndefined();
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatch(/p1.*NoSuchResponseHeadersPolicy/);
  });

  it("treats an emulator without the API (404, 501) the same way, and passes any other failure on", async () => {
    const notFound = cloudFrontAnswering([{ status: 404, xml: "<html>Not Found</html>" }]);
    expect(await new ResponseHeadersPolicies(notFound.client, () => undefined).plan("p1")).toBeUndefined();
    const unimplemented = cloudFrontAnswering([{ status: 501, xml: errorXml("NotImplemented") }]);
    expect(await new ResponseHeadersPolicies(unimplemented.client, () => undefined).plan("p1")).toBeUndefined();
    const denied = cloudFrontAnswering([{ status: 403, xml: errorXml("AccessDenied") }]);
    await expect(new ResponseHeadersPolicies(denied.client, () => undefined).plan("p1")).rejects.toThrow("AccessDenied");
  });

  it("follows the policy's ETag: a new version's headers apply at once", async () => {
    const { client, calls } = cloudFrontAnswering([
      { status: 200, etag: "E1", xml: policyXml("private") },
      { status: 200, etag: "E1", xml: policyXml("private") },
      { status: 200, etag: "E2", xml: policyXml("no-store") },
    ]);
    const policies = new ResponseHeadersPolicies(client, () => undefined);
    const first = await policies.plan("p1");
    expect(await policies.plan("p1")).toBe(first);
    const changed = await policies.plan("p1");
    expect(changed?.headers.find((header) => header.name === "cache-control")?.value).toBe("no-store");
    expect(calls()).toBe(3);
  });
});
