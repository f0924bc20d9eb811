import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.ts";

const role = "arn:aws:iam::123456789012:role/securedcontent-edge";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role });
    expect(config).toMatchObject({
      AWS_REGION: "us-east-1",
      EXPOSURE_RESYNC_SECONDS: 60,
      FULL_RESYNC_SECONDS: 600,
      MAX_CONCURRENT_RECONCILES: 4,
      LEADER_ELECTION: undefined,
      METRICS_ADDRESS: { host: "0.0.0.0", port: 8080 },
      COGNITO_JWKS_URL_TEMPLATE: "https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json",
    });
  });

  it("parses leader election and addresses", () => {
    const config = loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, LEADER_ELECTION: "securedcontent-system/securedcontent", METRICS_ADDRESS: "127.0.0.1:9090" });
    expect(config.LEADER_ELECTION).toEqual({ namespace: "securedcontent-system", name: "securedcontent" });
    expect(config.METRICS_ADDRESS).toEqual({ host: "127.0.0.1", port: 9090 });
  });

  it("lists every bad variable in one clear error", () => {
    const attempt = () =>
      loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: "role", MAX_CONCURRENT_RECONCILES: "zero", LEADER_ELECTION: "no-slash" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/EDGE_FUNCTION_ROLE_ARN: must be an IAM role ARN/);
    expect(attempt).toThrow(/MAX_CONCURRENT_RECONCILES/);
    expect(attempt).toThrow(/LEADER_ELECTION: expected "<namespace>\/<lease name>"/);
  });

  it("requires a cluster name, and refuses the old shared default", () => {
    expect(() => loadConfig({ EDGE_FUNCTION_ROLE_ARN: role })).toThrow(/CLUSTER_NAME is required/);
    expect(() => loadConfig({ EDGE_FUNCTION_ROLE_ARN: role, CLUSTER_NAME: "default" })).toThrow(/CLUSTER_NAME: must name this cluster/);
  });

  it("takes JWKS keys only from Cognito's host over https, unless the development setting allows another URL", () => {
    expect(loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role }).ALLOW_INSECURE_JWKS_URL).toBe(false);
    for (const template of [
      "http://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json",
      "https://keys.example.com/{userPoolId}/.well-known/jwks.json",
      "http://127.0.0.1:5000/{userPoolId}/.well-known/jwks.json",
    ]) {
      expect(() => loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, COGNITO_JWKS_URL_TEMPLATE: template })).toThrow(
        /COGNITO_JWKS_URL_TEMPLATE: must be https:\/\/cognito-idp\.\{region\}\.amazonaws\.com\/\{userPoolId\}\/\.well-known\/jwks\.json .*ALLOW_INSECURE_JWKS_URL=true/,
      );
    }
    const development = loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, COGNITO_JWKS_URL_TEMPLATE: "http://127.0.0.1:5000/{userPoolId}/.well-known/jwks.json", ALLOW_INSECURE_JWKS_URL: "true" });
    expect(development).toMatchObject({ ALLOW_INSECURE_JWKS_URL: true, COGNITO_JWKS_URL_TEMPLATE: "http://127.0.0.1:5000/{userPoolId}/.well-known/jwks.json" });
    expect(() => loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, ALLOW_INSECURE_JWKS_URL: "yes" })).toThrow(/ALLOW_INSECURE_JWKS_URL/);
  });

  it("requires the edge role and a full resync no shorter than the exposure resync", () => {
    expect(() => loadConfig({})).toThrow(/EDGE_FUNCTION_ROLE_ARN is required/);
    expect(() => loadConfig({ CLUSTER_NAME: "prod-eu", EDGE_FUNCTION_ROLE_ARN: role, FULL_RESYNC_SECONDS: "30" })).toThrow(/FULL_RESYNC_SECONDS/);
  });
});
