import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";

const role = "arn:aws:iam::123456789012:role/securedcontent-edge";

describe("AWS_RATE_LIMITS", () => {
  it("keeps the built-in limits unless told otherwise", () => {
    expect(loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role }).AWS_RATE_LIMITS).toEqual({});
  });

  it("overrides the named services only, as rate per second and burst", () => {
    const config = loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, AWS_RATE_LIMITS: "cloudfront=2.5/5, s3=200/400" });
    expect(config.AWS_RATE_LIMITS).toEqual({ cloudfront: { ratePerSecond: 2.5, burst: 5 }, s3: { ratePerSecond: 200, burst: 400 } });
  });

  it("names the variable and the expected form when a pair is wrong", () => {
    expect(() => loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, AWS_RATE_LIMITS: "iam=1/1" })).toThrow(/AWS_RATE_LIMITS: expected .*not "iam=1\/1"/);
    expect(() => loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, AWS_RATE_LIMITS: "s3=0/10" })).toThrow(/AWS_RATE_LIMITS/);
    expect(() => loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, AWS_RATE_LIMITS: "lambda=10/0" })).toThrow(/AWS_RATE_LIMITS/);
  });
});
