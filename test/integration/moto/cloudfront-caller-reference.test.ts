// Patch cloudfront_caller_reference: a caller reference stays spent after its distribution is deleted.
import { describe, expect, inject, it } from "vitest";
import {
  clients,
  createDistribution,
  createOriginAccessControl,
  operatorDistributionConfig,
  retireDistribution,
} from "./fixtures.ts";

describe("CloudFront caller references", () => {
  const { cloudFront } = clients(inject("harness"));

  it("refuses a caller reference whose distribution was deleted, naming the deleted distribution", async () => {
    const oac = await createOriginAccessControl(cloudFront, "spent-oac");
    const config = operatorDistributionConfig({ callerReference: "spent-1", bucket: "spent-bucket", originAccessControlId: oac.id });
    const first = await createDistribution(cloudFront, config);
    await retireDistribution(cloudFront, first.id);

    await expect(createDistribution(cloudFront, config)).rejects.toMatchObject({
      name: "DistributionAlreadyExists",
      message: expect.stringContaining(first.id) as unknown,
      $metadata: { httpStatusCode: 409 },
    });
  });

  it("still accepts a new caller reference for the same origin", async () => {
    const oac = await createOriginAccessControl(cloudFront, "fresh-oac");
    const first = await createDistribution(cloudFront, operatorDistributionConfig({ callerReference: "fresh-1", bucket: "fresh-bucket", originAccessControlId: oac.id }));
    await retireDistribution(cloudFront, first.id);
    const replacement = await createDistribution(
      cloudFront,
      operatorDistributionConfig({ callerReference: `fresh-1/replaces/${first.id}`, bucket: "fresh-bucket", originAccessControlId: oac.id }),
    );
    expect(replacement.id).not.toBe(first.id);
  });
});
