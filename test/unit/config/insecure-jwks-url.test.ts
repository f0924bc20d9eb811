// The development-only JWKS setting is announced loudly when the operator starts, and silent otherwise.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createOperator } from "../../../src/operator.ts";

const role = "arn:aws:iam::123456789012:role/securedcontent-edge";

// Never contacted: the operator is built and stopped without being started.
const unreachableCluster = {
  getCurrentCluster: () => ({ server: "https://127.0.0.1:9" }),
  applyToHTTPSOptions: () => Promise.resolve(),
};

async function startupLines(env: Record<string, string>): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const operator = await createOperator(loadConfig({ CLUSTER_NAME: "unit", EDGE_FUNCTION_ROLE_ARN: role, METRICS_ADDRESS: "127.0.0.1:0", ...env }), {
    kubeConfig: unreachableCluster,
    log,
    identity: "test",
    clusterUid: "5d0c1f7e-aaaa-bbbb-cccc-ddddeeeeffff",
  });
  await operator.stop();
  return lines;
}

describe("ALLOW_INSECURE_JWKS_URL", () => {
  it("makes the operator warn at start that keys may come from elsewhere than Cognito", async () => {
    const lines = await startupLines({ COGNITO_JWKS_URL_TEMPLATE: "http://127.0.0.1:5000/{userPoolId}/.well-known/jwks.json", ALLOW_INSECURE_JWKS_URL: "true" });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        jwksUrlTemplate: "http://127.0.0.1:5000/{userPoolId}/.well-known/jwks.json",
        msg: expect.stringMatching(/^ALLOW_INSECURE_JWKS_URL=true: .*never in production$/) as unknown,
      }),
    );
  });

  it("is off by default, and then nothing is said", async () => {
    const lines = await startupLines({});
    expect(lines.filter((line) => String(line["msg"]).includes("ALLOW_INSECURE_JWKS_URL"))).toEqual([]);
  });
});
