// The generated responses must have Lambda@Edge's exact shape, and the forwarded request loses its credentials.
import { describe, expect, it } from "vitest";
import { denialResponse, forwardedRequest, preflightResponse } from "../../../edge-auth/src/responses.ts";
import { clientId, otherClientId, viewerRequest } from "./fixtures.ts";

const noStore = [{ key: "Cache-Control", value: "private, no-store" }];

describe("denialResponse", () => {
  it("answers 401 with a string status, an RFC 6750 challenge and private, no-store", () => {
    expect(denialResponse(401)).toEqual({
      status: "401",
      statusDescription: "Unauthorized",
      headers: {
        "cache-control": noStore,
        "content-type": [{ key: "Content-Type", value: "text/plain; charset=utf-8" }],
        "www-authenticate": [{ key: "WWW-Authenticate", value: 'Bearer error="invalid_token"' }],
      },
      body: "Unauthorized\n",
      bodyEncoding: "text",
    });
  });

  it("answers 403 with insufficient_scope and private, no-store", () => {
    const response = denialResponse(403);
    expect(response.status).toBe("403");
    expect(response.headers["cache-control"]).toEqual(noStore);
    expect(response.headers["www-authenticate"]).toEqual([{ key: "WWW-Authenticate", value: 'Bearer error="insufficient_scope"' }]);
  });

  it("adds the headers it is given, and leaves the challenge out when asked to", () => {
    const vary = { vary: [{ key: "Vary", value: "Origin" }] };
    const response = denialResponse(403, { headers: vary, challenge: false });
    expect(response.headers).toEqual({ "cache-control": noStore, "content-type": [{ key: "Content-Type", value: "text/plain; charset=utf-8" }], ...vary });
  });

  it("keeps header names lowercase, bodies short, and gives a fresh object each time", () => {
    for (const status of [401, 403, 500] as const) {
      const response = denialResponse(status);
      expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
      expect(response.body?.length).toBeLessThan(64);
      expect(denialResponse(status)).not.toBe(response);
    }
  });
});

describe("preflightResponse", () => {
  it("answers 204 with no body, private, no-store and the CORS headers", () => {
    const cors = { "access-control-allow-origin": [{ key: "Access-Control-Allow-Origin", value: "https://app.example.com" }] };
    const response = preflightResponse(cors);
    expect(response).toEqual({ status: "204", statusDescription: "No Content", headers: { "cache-control": noStore, ...cors } });
    expect(response).not.toHaveProperty("body");
  });
});

describe("forwardedRequest", () => {
  function forwardedHeaders(headers: Record<string, string | readonly string[]>) {
    const request = viewerRequest(headers).Records[0]?.cf.request;
    if (request === undefined) throw new Error("no request");
    return { original: request, forwarded: forwardedRequest(request) };
  }

  it("removes the authorization header and keeps everything else", () => {
    const { original, forwarded } = forwardedHeaders({ authorization: "Bearer a.b.c", cookie: "x=1" });
    expect(forwarded.headers.authorization).toBeUndefined();
    expect(forwarded.headers.cookie).toEqual(original.headers.cookie);
    expect(forwarded.uri).toBe(original.uri);
    expect(original.headers.authorization).toBeDefined();
  });

  it("removes the Cognito token cookies and LastAuthUser, keeping the other cookies", () => {
    const cookie = [
      "theme=dark",
      `CognitoIdentityServiceProvider.${clientId}.alice.idToken=a.b.c`,
      `CognitoIdentityServiceProvider.${clientId}.alice.accessToken=d.e.f`,
      `CognitoIdentityServiceProvider.${clientId}.LastAuthUser=alice`,
      "lang=en",
    ].join("; ");
    const { original, forwarded } = forwardedHeaders({ cookie });
    expect(forwarded.headers.cookie).toEqual([{ key: "cookie", value: "theme=dark; lang=en" }]);
    expect(original.headers.cookie?.[0]?.value).toBe(cookie);
  });

  it("removes every cookie of the Cognito namespace: refresh token, device data, other app clients", () => {
    const cookie = [
      `CognitoIdentityServiceProvider.${clientId}.alice.refreshToken=r`,
      `CognitoIdentityServiceProvider.${clientId}.alice.clockDrift=0`,
      `CognitoIdentityServiceProvider.${otherClientId}.bob.idToken=x.y.z`,
      "keep=1",
    ].join(";");
    expect(forwardedHeaders({ cookie }).forwarded.headers.cookie).toEqual([{ key: "cookie", value: "keep=1" }]);
    // Names are case-sensitive: look-alikes stay, and a line without a Cognito cookie stays byte for byte.
    const lookAlikes = `cognitoidentityserviceprovider.${clientId}.a.idToken=1; XCognitoIdentityServiceProvider.${clientId}.a.idToken=2;b=3`;
    expect(forwardedHeaders({ cookie: [lookAlikes, "a=1;b=2;  c=3 ;", cookie] }).forwarded.headers.cookie).toEqual([
      { key: "cookie", value: lookAlikes.replace(";b=3", "; b=3") },
      { key: "cookie", value: "a=1;b=2;  c=3 ;" },
      { key: "cookie", value: "keep=1" },
    ]);
  });

  it("drops the Cookie header when only Cognito cookies were in it, and handles several Cookie lines", () => {
    const only = `CognitoIdentityServiceProvider.${clientId}.alice.idToken=a.b.c; CognitoIdentityServiceProvider.${clientId}.LastAuthUser=alice`;
    expect(forwardedHeaders({ cookie: only }).forwarded.headers).not.toHaveProperty("cookie");
    const lines = forwardedHeaders({ cookie: [only, "theme=dark", `a=1;  CognitoIdentityServiceProvider.${clientId}.x.idToken=t ;b=2;`] });
    expect(lines.forwarded.headers.cookie).toEqual([
      { key: "cookie", value: "theme=dark" },
      { key: "cookie", value: "a=1; b=2" },
    ]);
  });
});
