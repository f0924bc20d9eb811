// Proves the AWS emulator is real enough to build on: S3 through the SDK, and Cognito tokens with groups.
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { describe, expect, inject, it } from "vitest";
import { emulatorJwksUrl, seedUserPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";

describe("AWS emulator", () => {
  const env = inject("harness");

  it("creates a bucket and reads an object back through @aws-sdk/client-s3", async () => {
    const s3 = new S3Client(awsClientConfig(env));
    await s3.send(new CreateBucketCommand({ Bucket: "harness-smoke" }));
    await s3.send(new HeadBucketCommand({ Bucket: "harness-smoke" }));
    await s3.send(new PutObjectCommand({ Bucket: "harness-smoke", Key: "lesson-1.txt", Body: "hello", ContentType: "text/plain" }));
    const object = await s3.send(new GetObjectCommand({ Bucket: "harness-smoke", Key: "lesson-1.txt" }));
    expect(object.ContentType).toBe("text/plain");
    expect(await object.Body?.transformToString()).toBe("hello");
  });

  it("issues RS256 ID tokens with cognito:groups for a group member, verifiable with the pool's JWKS", async () => {
    const pool = await seedUserPool(env, {
      poolName: "harness-smoke",
      groups: ["paid-students"],
      users: [
        { username: "member", groups: ["paid-students"] },
        { username: "visitor", groups: [] },
      ],
    });
    const member = await pool.signIn("member");
    const claims = decodeJwt(member.idToken);
    expect(decodeProtectedHeader(member.idToken).alg).toBe("RS256");
    expect(claims["cognito:groups"]).toEqual(["paid-students"]);
    expect(claims["token_use"]).toBe("id");
    expect(claims.aud).toBe(pool.clientId);
    expect(claims.iss).toBe(`https://cognito-idp.${env.awsRegion}.amazonaws.com/${pool.userPoolId}`);

    const visitor = decodeJwt((await pool.signIn("visitor")).idToken);
    expect(visitor["cognito:groups"]).toBeUndefined();

    const response = await fetch(emulatorJwksUrl(env.awsEndpoint, pool.userPoolId));
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as JSONWebKeySet;
    const kid = decodeProtectedHeader(member.idToken).kid;
    expect(jwks.keys).toContainEqual(expect.objectContaining({ kid, kty: "RSA", alg: "RS256" }));
    const verified = await jwtVerify(member.idToken, createLocalJWKSet(jwks), {
      issuer: claims.iss ?? "",
      audience: pool.clientId,
      algorithms: ["RS256"],
    });
    expect(verified.payload["cognito:username"]).toBe("member");
  });
});
