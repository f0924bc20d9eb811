// The whole product on one machine: a real API server, the real operator, the patched AWS emulator, and the
// edge emulator running the exact function package the operator deployed. What a viewer gets, and how it fails.
// The cases run in order: all use the one resource beforeAll set up; the requiredGroups change and the
// deletion near the end alter it for whatever follows, and the log check reads what the cases before it made
// the function write.
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { harnessPrincipalHeaders } from "../../edge-emulator/origin.ts";
import { courseContent } from "../../harness/aws-seed.ts";
import { reissueToken } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import {
  bucket,
  forgedWithOtherKey,
  name,
  namespace,
  rawGet,
  startEndToEnd,
  tokenCookie,
  waitForCurrentReady,
  withTamperedClaims,
  type EndToEnd,
} from "./fixtures.ts";

const content = new Map(courseContent().map((object) => [object.key, object]));
const video = "videos/lesson-1.webm";

function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === "string" ? new TextEncoder().encode(body) : body;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

describe("secured content, end to end", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  let e2e: EndToEnd;
  let memberToken: string;

  const request = (path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Response> =>
    fetch(`${e2e.emulator.url}/${path}`, { method, headers });
  const statusOf = async (path: string, headers: Record<string, string> = {}): Promise<number> => {
    const response = await request(path, headers);
    await response.body?.cancel();
    return response.status;
  };
  const loggedReason = (reason: string): Promise<string> =>
    waitFor(() => e2e.functionLog.find((line) => line.includes(`"reason":"${reason}"`)), { what: `a denial logged as ${reason}`, timeoutMs: 5_000, intervalMs: 20 });

  beforeAll(async () => {
    e2e = await startEndToEnd(env);
    memberToken = (await e2e.pool.signIn("member")).idToken;
  }, 180_000);

  afterAll(async () => {
    // Undefined when the setup itself failed; that failure is the one to report.
    await (e2e as EndToEnd | undefined)?.stop();
    s3.destroy();
  });

  it("serves a member the exact bytes, content type and ETag of every object", async () => {
    for (const [key, object] of content) {
      const response = await request(key, bearer(memberToken));
      const expected = bytesOf(object.body);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(object.contentType);
      expect(response.headers.get("content-length")).toBe(String(expected.length));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(response.headers.get("etag")).toBe(head.ETag);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(expected);
    }
  });

  it("accepts the member's ID token from the Amplify cookie, as a <video> element sends it", async () => {
    const response = await request(video, { cookie: `theme=dark; ${tokenCookie(e2e.pool.clientId, "member", memberToken)}` });
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(bytesOf(content.get(video)?.body ?? "").length);
  });

  it("answers a Range request with 206 and exactly that slice, as video seeking needs", async () => {
    const whole = bytesOf(content.get(video)?.body ?? "");
    const middle = await request(video, { ...bearer(memberToken), range: "bytes=1000-5999" });
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe(`bytes 1000-5999/${whole.length}`);
    expect(middle.headers.get("content-length")).toBe("5000");
    expect(new Uint8Array(await middle.arrayBuffer())).toEqual(whole.slice(1000, 6000));

    const tail = await request(video, { ...bearer(memberToken), range: "bytes=-100" });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(whole.slice(whole.length - 100));
  });

  it("answers HEAD with the object's headers and no body", async () => {
    const response = await request(video, bearer(memberToken), "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/webm");
    expect(response.headers.get("content-length")).toBe(String(bytesOf(content.get(video)?.body ?? "").length));
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it("answers 403 to a signed-in user outside the required group", async () => {
    const { idToken } = await e2e.pool.signIn("visitor");
    const response = await request(video, bearer(idToken));
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope"');
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    await loggedReason("not_in_group");
  });

  it("answers 401 without a token, with an expired token and with forged tokens", async () => {
    const noToken = await request(video);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    await loggedReason("no_token");

    const now = Math.floor(Date.now() / 1000);
    const expired = await reissueToken(memberToken, { iat: now - 7200, auth_time: now - 7200, exp: now - 3600 });
    expect(await statusOf(video, bearer(expired))).toBe(401);
    expect(await statusOf(video, { cookie: tokenCookie(e2e.pool.clientId, "member", expired) })).toBe(401);
    await loggedReason("expired");

    expect(await statusOf(video, bearer(await forgedWithOtherKey(memberToken)))).toBe(401);
    const { idToken: visitorToken } = await e2e.pool.signIn("visitor");
    expect(await statusOf(video, bearer(withTamperedClaims(visitorToken, { "cognito:groups": ["paid-students"] })))).toBe(401);
    await loggedReason("bad_signature");
  });

  it("never lets the bucket be read anonymously, nor by another distribution", async () => {
    const anonymous = await fetch(`${env.awsEndpoint}/${bucket}/${video}`);
    expect(anonymous.status).toBe(403);
    await anonymous.body?.cancel();
    const listing = await fetch(`${env.awsEndpoint}/${bucket}?list-type=2`);
    expect(listing.status).toBe(403);
    await listing.body?.cancel();
    const otherDistribution = await fetch(`${env.awsEndpoint}/${bucket}/${video}`, {
      headers: harnessPrincipalHeaders("arn:aws:cloudfront::123456789012:distribution/EOTHERDISTRIB"),
    });
    expect(otherDistribution.status).toBe(403);
    await otherDistribution.body?.cancel();
  });

  it("answers like CloudFront outside the happy path: other hosts, other methods, missing objects", async () => {
    const url = `${e2e.emulator.url}/${video}`;
    const otherHost = await rawGet(url, { ...bearer(memberToken), host: "d0ther.cloudfront.net" });
    expect(otherHost.status).toBe(404);
    expect(otherHost.text).toMatch(/no distribution serves host d0ther\.cloudfront\.net/);
    expect((await rawGet(url, { ...bearer(memberToken), host: e2e.emulator.domainName })).status).toBe(200);
    const post = await request(video, bearer(memberToken), "POST");
    expect(post.status).toBe(403);
    await post.body?.cancel();
    // CloudFront may not list the bucket, so S3 does not tell a missing key from a forbidden one.
    expect(await statusOf("videos/missing.mp4", bearer(memberToken))).toBe(403);
  });

  it("follows a change of requiredGroups once the resource is Ready for it", async () => {
    await kubectl(env, ["patch", "-n", namespace, `scb/${name}`, "--type=merge", "-p", JSON.stringify({ spec: { auth: { requiredGroups: ["teaching-assistants"] } } })]);
    await waitForCurrentReady(env);
    const { idToken: assistantToken } = await e2e.pool.signIn("assistant");
    const { idToken: freshMemberToken } = await e2e.pool.signIn("member");
    expect(await statusOf(video, bearer(freshMemberToken))).toBe(403);
    expect(await statusOf(video, bearer(assistantToken))).toBe(200);
  });

  it("never writes a token to the function's log", () => {
    const signature = memberToken.split(".")[2] ?? memberToken;
    expect(e2e.functionLog.length).toBeGreaterThan(0);
    expect(e2e.functionLog.filter((line) => line.includes(signature) || line.includes("eyJ"))).toEqual([]);
  });

  it("no longer serves the content once the resource is deleted: the distribution is gone", async () => {
    await kubectl(env, ["delete", "-n", namespace, `scb/${name}`, "--timeout=60s"]);
    const response = await request(video, bearer((await e2e.pool.signIn("assistant")).idToken));
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(new RegExp(`distribution ${e2e.distributionId} does not exist`));
  });
});
