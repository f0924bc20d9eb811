// Patch cloudfront_origin_access_control: OACs are versioned, deletable only when unused, 404 when unknown, and
// listed page by page.
import {
  DeleteDistributionCommand,
  DeleteOriginAccessControlCommand,
  GetDistributionConfigCommand,
  GetOriginAccessControlCommand,
  ListOriginAccessControlsCommand,
  UpdateDistributionCommand,
  UpdateOriginAccessControlCommand,
  type OriginAccessControlConfig,
} from "@aws-sdk/client-cloudfront";
import { describe, expect, inject, it } from "vitest";
import {
  awsError,
  clients,
  createDistribution,
  createOriginAccessControl,
  operatorDistributionConfig,
  readUntilDeployed,
  required,
} from "./fixtures.ts";

describe("CloudFront origin access controls", () => {
  const { cloudFront } = clients(inject("harness"));

  const config = (name: string, description: string): OriginAccessControlConfig => ({
    Name: name,
    Description: description,
    OriginAccessControlOriginType: "s3",
    SigningBehavior: "always",
    SigningProtocol: "sigv4",
  });

  it("creates, reads, lists, updates and deletes an OAC", async () => {
    const oac = await createOriginAccessControl(cloudFront, "crud-oac");
    const read = await cloudFront.send(new GetOriginAccessControlCommand({ Id: oac.id }));
    expect(read.ETag).toBe(oac.etag);
    expect(read.OriginAccessControl?.OriginAccessControlConfig).toEqual(config("crud-oac", ""));

    const listed = await cloudFront.send(new ListOriginAccessControlsCommand({}));
    expect(listed.OriginAccessControlList?.Items).toContainEqual(
      expect.objectContaining({ Id: oac.id, Name: "crud-oac", OriginAccessControlOriginType: "s3", SigningBehavior: "always" }),
    );

    const updated = await cloudFront.send(
      new UpdateOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag, OriginAccessControlConfig: config("crud-oac", "renamed") }),
    );
    expect(updated.OriginAccessControl?.OriginAccessControlConfig?.Description).toBe("renamed");
    expect(updated.ETag).not.toBe(oac.etag);

    await cloudFront.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: updated.ETag }));
    expect(await awsError(cloudFront.send(new GetOriginAccessControlCommand({ Id: oac.id })))).toEqual({
      name: "NoSuchOriginAccessControl",
      status: 404,
    });
  });

  it("answers NoSuchOriginAccessControl (404), not a server error, when deleting an unknown OAC", async () => {
    const deletion = cloudFront.send(new DeleteOriginAccessControlCommand({ Id: "E2QWRUHAPOMQZL", IfMatch: "E1" }));
    expect(await awsError(deletion)).toEqual({ name: "NoSuchOriginAccessControl", status: 404 });
  });

  it("rejects an outdated or missing If-Match on update and delete", async () => {
    const oac = await createOriginAccessControl(cloudFront, "versioned-oac");
    const updated = await cloudFront.send(
      new UpdateOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag, OriginAccessControlConfig: config("versioned-oac", "v2") }),
    );
    const staleUpdate = cloudFront.send(
      new UpdateOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag, OriginAccessControlConfig: config("versioned-oac", "v3") }),
    );
    expect(await awsError(staleUpdate)).toEqual({ name: "PreconditionFailed", status: 412 });
    expect(await awsError(cloudFront.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag })))).toEqual({
      name: "PreconditionFailed",
      status: 412,
    });
    expect(await awsError(cloudFront.send(new DeleteOriginAccessControlCommand({ Id: oac.id })))).toEqual({
      name: "InvalidIfMatchVersion",
      status: 400,
    });
    await cloudFront.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: updated.ETag }));
  });

  it("refuses to delete an OAC a distribution uses with OriginAccessControlInUse (409), until the distribution is gone", async () => {
    const oac = await createOriginAccessControl(cloudFront, "in-use-oac");
    const created = await createDistribution(
      cloudFront,
      operatorDistributionConfig({ callerReference: "in-use", bucket: "oac-bucket", originAccessControlId: oac.id }),
    );
    const inUse = cloudFront.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag }));
    expect(await awsError(inUse)).toEqual({ name: "OriginAccessControlInUse", status: 409 });

    const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: created.id }));
    const disabled = await cloudFront.send(
      new UpdateDistributionCommand({
        Id: created.id,
        IfMatch: current.ETag,
        DistributionConfig: { ...required(current.DistributionConfig, "config"), Enabled: false },
      }),
    );
    await readUntilDeployed(cloudFront, created.id);
    const stillInUse = cloudFront.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag }));
    expect(await awsError(stillInUse)).toEqual({ name: "OriginAccessControlInUse", status: 409 });

    await cloudFront.send(new DeleteDistributionCommand({ Id: created.id, IfMatch: disabled.ETag }));
    await cloudFront.send(new DeleteOriginAccessControlCommand({ Id: oac.id, IfMatch: oac.etag }));
  });

  it("lists OACs page by page with Marker and MaxItems, each once, until a page is not truncated", async () => {
    const names = ["paged-a", "paged-b", "paged-c", "paged-d", "paged-e"];
    for (const name of names) await createOriginAccessControl(cloudFront, name);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const list = required(
        (await cloudFront.send(new ListOriginAccessControlsCommand({ MaxItems: 2, ...(marker === undefined ? {} : { Marker: marker }) }))).OriginAccessControlList,
        "list",
      );
      pages += 1;
      expect(list.Items?.length ?? 0).toBeLessThanOrEqual(2);
      seen.push(...(list.Items ?? []).map((item) => item.Name ?? ""));
      marker = list.IsTruncated === true ? required(list.NextMarker, "NextMarker") : undefined;
    } while (marker !== undefined && pages < 10);
    const paged = seen.filter((name) => name.startsWith("paged-"));
    expect(paged.sort()).toEqual(names);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 2));
  });
});
