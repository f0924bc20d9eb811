// Patch cloudfront_deployment: create and every update leave the distribution InProgress for a while.
import {
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { setMotoTransition, unsetMotoTransition } from "../../harness/moto.ts";
import {
  clients,
  distributionMaker,
  readStatus,
  readUntilDeployed,
  required,
} from "./fixtures.ts";

const model = "cloudfront::distribution";

describe("CloudFront deployment status", () => {
  const env = inject("harness");
  const { cloudFront } = clients(env);

  const newDistribution = distributionMaker(cloudFront, "deploy");

  const update = async (id: string, comment?: string): Promise<string | undefined> => {
    const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: id }));
    const config = required(current.DistributionConfig, "config");
    const updated = await cloudFront.send(
      new UpdateDistributionCommand({ Id: id, IfMatch: current.ETag, DistributionConfig: { ...config, Comment: comment ?? config.Comment } }),
    );
    return updated.Distribution?.Status;
  };


  it("deploys after the number of reads the launcher was given", async () => {
    const response = await fetch(`${env.awsEndpoint}/moto-api/state-manager/get-transition?model_name=${model}`);
    const launch = (await response.json()) as { progression: string; times?: number };
    expect(launch.progression).toBe("manual");
    const reads = required(launch.times, "times");

    const created = await newDistribution();
    expect(created.distribution.Status).toBe("InProgress");
    expect(await readUntilDeployed(cloudFront, created.id)).toBe(Math.max(reads, 1));
  });

  describe("with a three-read deployment set at run time through moto's state manager", () => {
    beforeAll(async () => {
      await setMotoTransition(env.awsEndpoint, model, { progression: "manual", times: 3 });
    });
    afterAll(async () => {
      await unsetMotoTransition(env.awsEndpoint, model);
    });

    it("reports InProgress after create and Deployed on the third GetDistribution", async () => {
      const created = await newDistribution();
      expect(created.distribution.Status).toBe("InProgress");
      expect(await readStatus(cloudFront, created.id)).toBe("InProgress");
      expect(await readStatus(cloudFront, created.id)).toBe("InProgress");
      expect(await readStatus(cloudFront, created.id)).toBe("Deployed");
      expect(await readStatus(cloudFront, created.id)).toBe("Deployed");
    });

    it("goes back to InProgress on every update, including one that changes nothing", async () => {
      const created = await newDistribution();
      await readUntilDeployed(cloudFront, created.id);
      expect(await update(created.id, "changed")).toBe("InProgress");
      expect(await readStatus(cloudFront, created.id)).toBe("InProgress");
      expect(await readUntilDeployed(cloudFront, created.id)).toBe(2);
      expect(await update(created.id)).toBe("InProgress");
      expect(await readUntilDeployed(cloudFront, created.id)).toBe(3);
    });

    it("does not count GetDistributionConfig, which has no Status, as a read", async () => {
      const created = await newDistribution();
      for (let i = 0; i < 5; i += 1) await cloudFront.send(new GetDistributionConfigCommand({ Id: created.id }));
      expect(await readStatus(cloudFront, created.id)).toBe("InProgress");
    });

    it("reports the same status in ListDistributions, each listing counting as one read", async () => {
      const created = await newDistribution();
      const listedStatus = async () => {
        const listed = await cloudFront.send(new ListDistributionsCommand({}));
        return listed.DistributionList?.Items?.find((d) => d.Id === created.id)?.Status;
      };
      expect(await listedStatus()).toBe("InProgress");
      expect(await listedStatus()).toBe("InProgress");
      expect(await listedStatus()).toBe("Deployed");
      expect(await readStatus(cloudFront, created.id)).toBe("Deployed");
    });
  });
});
