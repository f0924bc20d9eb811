// Patch cloudfront_conflicting_aliases: ListConflictingAliases answers as the API reference describes: the
// same name and one-label wildcard overlaps, from every distribution, with ids partially hidden; the asking
// distribution must exist and carry its own certificate (evidence in the patch's header).
import { ListConflictingAliasesCommand, type DistributionConfig } from "@aws-sdk/client-cloudfront";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { awsRefusal, clients, createDistribution, createOriginAccessControl, operatorDistributionConfig } from "./fixtures.ts";

const certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

function withAliases(config: DistributionConfig, aliases: readonly string[], certified = true): DistributionConfig {
  return {
    ...config,
    Aliases: { Quantity: aliases.length, Items: [...aliases] },
    ViewerCertificate: certified
      ? { ACMCertificateArn: certificate, SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" }
      : { CloudFrontDefaultCertificate: true },
  };
}

describe("CloudFront ListConflictingAliases", () => {
  const env = inject("harness");
  const { cloudFront } = clients(env);
  let website = "";
  let asker = "";
  let uncertified = "";

  beforeAll(async () => {
    const oac = (await createOriginAccessControl(cloudFront, "conflicting-aliases-oac")).id;
    const config = (ref: string) => operatorDistributionConfig({ callerReference: ref, bucket: "conflicting-aliases", originAccessControlId: oac });
    website = (await createDistribution(cloudFront, withAliases(config("website"), ["*.example.com", "example.com"]))).id;
    await createDistribution(cloudFront, withAliases(config("shop"), ["shop.example.org"]));
    asker = (await createDistribution(cloudFront, withAliases(config("asker"), []))).id;
    uncertified = (await createDistribution(cloudFront, withAliases(config("uncertified"), [], false))).id;
  });

  const conflicts = async (alias: string) =>
    (await cloudFront.send(new ListConflictingAliasesCommand({ DistributionId: asker, Alias: alias }))).ConflictingAliasesList;

  it("lists the wildcard that covers a name, with the distribution and account ids partially hidden", async () => {
    const list = await conflicts("login.example.com");
    expect(list).toMatchObject({ Quantity: 1, MaxItems: 100 });
    expect(list?.Items).toEqual([{ Alias: "*.example.com", DistributionId: `${"*".repeat(website.length - 7)}${website.slice(-7)}`, AccountId: "******789012" }]);
  });

  it("lists the names a wildcard covers, and the same name", async () => {
    expect((await conflicts("*.example.org"))?.Items?.map((item) => item.Alias)).toEqual(["shop.example.org"]);
    expect((await conflicts("EXAMPLE.com"))?.Items?.map((item) => item.Alias)).toEqual(["example.com"]);
  });

  it("does not stretch a wildcard over more than one label, nor over its own parent", async () => {
    expect(await conflicts("a.b.example.com")).toMatchObject({ Quantity: 0 });
    expect(await conflicts("example.org")).toMatchObject({ Quantity: 0 });
  });

  it("needs a distribution of the caller's with its own certificate", async () => {
    await expect(awsRefusal(cloudFront.send(new ListConflictingAliasesCommand({ DistributionId: uncertified, Alias: "login.example.com" })))).resolves.toMatchObject({
      name: "InvalidArgument",
      status: 400,
    });
    await expect(awsRefusal(cloudFront.send(new ListConflictingAliasesCommand({ DistributionId: "ENOSUCHDIST0001", Alias: "login.example.com" })))).resolves.toMatchObject({
      name: "NoSuchDistribution",
      status: 404,
    });
  });
});
