// Patch cloudfront_delete_enabled: only a disabled distribution whose disabling has deployed can be deleted.
import { DeleteDistributionCommand, GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { describe, expect, inject, it } from "vitest";
import {
  awsError,
  clients,
  distributionMaker,
  editDistribution,
  readStatus,
  readUntilDeployed,
} from "./fixtures.ts";

describe("CloudFront DeleteDistribution", () => {
  const { cloudFront } = clients(inject("harness"));


  const newDistribution = distributionMaker(cloudFront, "delete");

  /** The operator's first deletion step: Enabled=false with the current ETag. Returns the new ETag. */
  const disable = (id: string): Promise<string> => editDistribution(cloudFront, id, (config) => ({ ...config, Enabled: false }));

  it("refuses to delete an enabled, deployed distribution with DistributionNotDisabled (409)", async () => {
    const created = await newDistribution();
    await readUntilDeployed(cloudFront, created.id);
    const deletion = cloudFront.send(new DeleteDistributionCommand({ Id: created.id, IfMatch: created.etag }));
    expect(await awsError(deletion)).toEqual({ name: "DistributionNotDisabled", status: 409 });
    expect(await readStatus(cloudFront, created.id)).toBe("Deployed");
  });

  it("refuses to delete a disabled distribution while the disabling change is still InProgress", async () => {
    const created = await newDistribution();
    await readUntilDeployed(cloudFront, created.id);
    const etag = await disable(created.id);
    const early = cloudFront.send(new DeleteDistributionCommand({ Id: created.id, IfMatch: etag }));
    expect(await awsError(early)).toEqual({ name: "DistributionNotDisabled", status: 409 });
  });

  it("deletes a disabled distribution once it is Deployed, with the ETag of the disabling change", async () => {
    const created = await newDistribution();
    const etag = await disable(created.id);
    await readUntilDeployed(cloudFront, created.id);
    await cloudFront.send(new DeleteDistributionCommand({ Id: created.id, IfMatch: etag }));
    const gone = cloudFront.send(new GetDistributionCommand({ Id: created.id }));
    expect(await awsError(gone)).toEqual({ name: "NoSuchDistribution", status: 404 });
  });
});
