// serve.py --disable-patch and the run-time switch securedcontent::patches: any patch can be left out at
// launch, and a realistic-mode patch can be switched off and on while the server runs.
import { CreateDistributionCommand, DeleteDistributionCommand } from "@aws-sdk/client-cloudfront";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { setMotoTransition, startMoto, unsetMotoTransition, type MotoServer } from "../../harness/moto.ts";
import { clients, createDistribution, createOriginAccessControl, operatorDistributionConfig, readUntilDeployed } from "./fixtures.ts";

const switchModel = "securedcontent::patches";

describe("patch switches", () => {
  const env = inject("harness");
  const runDir = mkdtempSync(join(tmpdir(), "securedcontent-switches-"));
  let moto: MotoServer | undefined;

  beforeAll(async () => {
    moto = await startMoto({ runDir, progress: () => undefined, disabledPatches: ["cloudfront_defaults", "cloudfront_caller_reference"] });
  });
  afterAll(async () => {
    await moto?.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  const readTimeoutOn = async (endpoint: string, callerReference: string): Promise<number | undefined> => {
    const { cloudFront } = clients({ awsEndpoint: endpoint, awsRegion: env.awsRegion });
    const oac = await createOriginAccessControl(cloudFront, `${callerReference}-oac`);
    const created = await cloudFront.send(
      new CreateDistributionCommand({ DistributionConfig: operatorDistributionConfig({ callerReference, bucket: "switch-bucket", originAccessControlId: oac.id }) }),
    );
    return created.Distribution?.DistributionConfig?.Origins?.Items?.[0]?.S3OriginConfig?.OriginReadTimeout;
  };

  it("starts a realistic-mode patch named at launch switched off, and lets a test switch it on", async () => {
    const endpoint = moto?.endpoint ?? "";
    const response = await fetch(`${endpoint}/moto-api/state-manager/get-transition?model_name=${switchModel}`);
    expect(await response.json()).toEqual({ disabled: ["cloudfront_caller_reference", "cloudfront_defaults"] });
    expect(await readTimeoutOn(endpoint, "switch-off")).toBeUndefined();
    await setMotoTransition(endpoint, switchModel, { disabled: [] });
    expect(await readTimeoutOn(endpoint, "switch-on")).toBe(30);
    await unsetMotoTransition(endpoint, switchModel);
    expect(await readTimeoutOn(endpoint, "switch-back")).toBeUndefined();
  });

  it("leaves out an older patch named at launch: a deleted distribution's caller reference can be reused", async () => {
    const { cloudFront } = clients({ awsEndpoint: moto?.endpoint ?? "", awsRegion: env.awsRegion });
    const oac = await createOriginAccessControl(cloudFront, "reuse-oac");
    const config = operatorDistributionConfig({ callerReference: "reuse", bucket: "switch-bucket", originAccessControlId: oac.id, enabled: false });
    const first = await createDistribution(cloudFront, config);
    await readUntilDeployed(cloudFront, first.id);
    await cloudFront.send(new DeleteDistributionCommand({ Id: first.id, IfMatch: first.etag }));
    // With cloudfront_caller_reference this is DistributionAlreadyExists; without it, moto's own behaviour.
    await createDistribution(cloudFront, config);
  });

  it("refuses to launch with a patch name it does not know", async () => {
    await expect(startMoto({ runDir, progress: () => undefined, disabledPatches: ["no_such_patch"] })).rejects.toThrow(/no such patch to disable: no_such_patch/);
  });
});
