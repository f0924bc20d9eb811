// The generated responses must have Lambda@Edge's exact shape, and the forwarded request loses its credentials.
import { describe, expect, it } from "vitest";
import { denialResponse, forwardedRequest } from "../../../edge-auth/src/responses.ts";
import { viewerRequest } from "./fixtures.ts";

describe("denialResponse", () => {
  it("answers 401 with a string status, an RFC 6750 challenge and no-store", () => {
    expect(denialResponse(401)).toEqual({
      status: "401",
      statusDescription: "Unauthorized",
      headers: {
        "cache-control": [{ key: "Cache-Control", value: "no-store" }],
        "content-type": [{ key: "Content-Type", value: "text/plain; charset=utf-8" }],
        "www-authenticate": [{ key: "WWW-Authenticate", value: 'Bearer error="invalid_token"' }],
      },
      body: "Unauthorized\n",
      bodyEncoding: "text",
    });
  });

  it("answers 403 with insufficient_scope and no-store", () => {
    const response = denialResponse(403);
    expect(response.status).toBe("403");
    expect(response.headers["cache-control"]).toEqual([{ key: "Cache-Control", value: "no-store" }]);
    expect(response.headers["www-authenticate"]).toEqual([{ key: "WWW-Authenticate", value: 'Bearer error="insufficient_scope"' }]);
  });

  it("keeps header names lowercase, bodies short, and gives a fresh object each time", () => {
    for (const status of [401, 403, 500] as const) {
      const response = denialResponse(status);
      expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
      expect(response.body.length).toBeLessThan(64);
      expect(denialResponse(status)).not.toBe(response);
    }
  });
});

describe("forwardedRequest", () => {
  it("removes the authorization header and keeps everything else", () => {
    const request = viewerRequest({ authorization: "Bearer a.b.c", cookie: "x=1" }).Records[0]?.cf.request;
    if (request === undefined) throw new Error("no request");
    const forwarded = forwardedRequest(request);
    expect(forwarded.headers.authorization).toBeUndefined();
    expect(forwarded.headers.cookie).toEqual(request.headers.cookie);
    expect(forwarded.uri).toBe(request.uri);
    expect(request.headers.authorization).toBeDefined();
  });
});
