// Patch cloudfront_response_headers_policy: response headers policies are served with AWS's shapes, versioned by
// ETag, unique by name, deletable only when no cache behaviour names them, and a distribution carries the id.
import {
  CreateResponseHeadersPolicyCommand,
  DeleteResponseHeadersPolicyCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetResponseHeadersPolicyCommand,
  GetResponseHeadersPolicyConfigCommand,
  ListResponseHeadersPoliciesCommand,
  UpdateDistributionCommand,
  UpdateResponseHeadersPolicyCommand,
  type DistributionConfig,
  type ResponseHeadersPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import { describe, expect, inject, it } from "vitest";
import { resetMoto } from "../../harness/moto.ts";
import { awsError, clients, createDistribution, createOriginAccessControl, operatorDistributionConfig, required, retireDistribution } from "./fixtures.ts";

describe("CloudFront response headers policies", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const { cloudFront } = clients(env);

  /** A policy like the operator's: CORS for one origin, HSTS, and Cache-Control: private. */
  const config = (name: string, comment = ""): ResponseHeadersPolicyConfig => ({
    Name: name,
    Comment: comment,
    CorsConfig: {
      AccessControlAllowOrigins: { Quantity: 1, Items: ["https://app.example.com"] },
      AccessControlAllowHeaders: { Quantity: 2, Items: ["authorization", "range"] },
      AccessControlAllowMethods: { Quantity: 2, Items: ["GET", "HEAD"] },
      AccessControlExposeHeaders: { Quantity: 1, Items: ["Content-Range"] },
      AccessControlAllowCredentials: true,
      AccessControlMaxAgeSec: 600,
      OriginOverride: true,
    },
    SecurityHeadersConfig: { StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: false, Preload: false, Override: true } },
    CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "Cache-Control", Value: "private", Override: true }] },
  });

  async function create(name: string) {
    const created = await cloudFront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: config(name) }));
    return { id: required(created.ResponseHeadersPolicy?.Id, "id"), etag: required(created.ETag, "ETag"), created };
  }

  function withPolicy(base: DistributionConfig, policyId: string): DistributionConfig {
    return { ...base, DefaultCacheBehavior: { ...required(base.DefaultCacheBehavior, "behaviour"), ResponseHeadersPolicyId: policyId } };
  }

  it("creates a policy and returns the whole config, with Location and ETag, from Create, Get and GetConfig", async () => {
    const { id, etag, created } = await create("crud-policy");
    expect(created.Location).toMatch(new RegExp(`/2020-05-31/response-headers-policy/${id}$`));
    expect(created.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig).toEqual(config("crud-policy"));
    expect(created.ResponseHeadersPolicy?.LastModifiedTime).toBeInstanceOf(Date);

    const read = await cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: id }));
    expect(read.ETag).toBe(etag);
    expect(read.ResponseHeadersPolicy).toMatchObject({ Id: id, ResponseHeadersPolicyConfig: config("crud-policy") });
    const configOnly = await cloudFront.send(new GetResponseHeadersPolicyConfigCommand({ Id: id }));
    expect(configOnly).toMatchObject({ ETag: etag, ResponseHeadersPolicyConfig: config("crud-policy") });
  });

  it("answers NoSuchResponseHeadersPolicy (404) for an unknown id on every operation that takes one", async () => {
    const unknown = "0f1e2d3c-aaaa-bbbb-cccc-000000000000";
    const expected = { name: "NoSuchResponseHeadersPolicy", status: 404 };
    expect(await awsError(cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: unknown })))).toEqual(expected);
    expect(await awsError(cloudFront.send(new GetResponseHeadersPolicyConfigCommand({ Id: unknown })))).toEqual(expected);
    expect(await awsError(cloudFront.send(new UpdateResponseHeadersPolicyCommand({ Id: unknown, IfMatch: "E1", ResponseHeadersPolicyConfig: config("x") })))).toEqual(expected);
    expect(await awsError(cloudFront.send(new DeleteResponseHeadersPolicyCommand({ Id: unknown, IfMatch: "E1" })))).toEqual(expected);
  });

  it("refuses a second policy with the same name, on create and on a rename, with ResponseHeadersPolicyAlreadyExists (409)", async () => {
    await create("taken-name");
    const other = await create("other-name");
    expect(await awsError(cloudFront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: config("taken-name") })))).toEqual({
      name: "ResponseHeadersPolicyAlreadyExists",
      status: 409,
    });
    const rename = cloudFront.send(new UpdateResponseHeadersPolicyCommand({ Id: other.id, IfMatch: other.etag, ResponseHeadersPolicyConfig: config("taken-name") }));
    expect(await awsError(rename)).toEqual({ name: "ResponseHeadersPolicyAlreadyExists", status: 409 });
  });

  it("replaces the whole config on update with a new ETag, and enforces If-Match on update and delete", async () => {
    const { id, etag } = await create("versioned-policy");
    const withoutCors: ResponseHeadersPolicyConfig = { ...config("versioned-policy", "v2"), CorsConfig: undefined };
    const updated = await cloudFront.send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: etag, ResponseHeadersPolicyConfig: withoutCors }));
    expect(updated.ETag).not.toBe(etag);
    const read = await cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: id }));
    expect(read.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig).toEqual(withoutCors);

    const stale = cloudFront.send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: etag, ResponseHeadersPolicyConfig: config("versioned-policy") }));
    expect(await awsError(stale)).toEqual({ name: "PreconditionFailed", status: 412 });
    expect(await awsError(cloudFront.send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: etag })))).toEqual({ name: "PreconditionFailed", status: 412 });
    expect(await awsError(cloudFront.send(new DeleteResponseHeadersPolicyCommand({ Id: id })))).toEqual({ name: "InvalidIfMatchVersion", status: 400 });
    await cloudFront.send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: updated.ETag }));
    expect(await awsError(cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: id })))).toEqual({ name: "NoSuchResponseHeadersPolicy", status: 404 });
  });

  it("refuses a Comment over 128 characters, mismatched quantities, and * allowed headers with credentials (400)", async () => {
    const long = cloudFront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: config("long-comment", "c".repeat(129)) }));
    expect(await awsError(long)).toEqual({ name: "InvalidArgument", status: 400 });
    const base = config("bad-cors");
    const cors = required(base.CorsConfig, "cors");
    const mismatched = { ...base, CorsConfig: { ...cors, AccessControlAllowOrigins: { Quantity: 2, Items: ["https://app.example.com"] } } };
    expect(await awsError(cloudFront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: mismatched })))).toEqual({
      name: "InconsistentQuantities",
      status: 400,
    });
    const starWithCredentials = { ...base, CorsConfig: { ...cors, AccessControlAllowHeaders: { Quantity: 1, Items: ["*"] } } };
    expect(await awsError(cloudFront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: starWithCredentials })))).toEqual({
      name: "InvalidArgument",
      status: 400,
    });
  });

  it("lists the account's own policies page by page with Marker and MaxItems, and none of Type managed", async () => {
    const names = ["paged-a", "paged-b", "paged-c", "paged-d", "paged-e"];
    for (const name of names) await create(name);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const list = required(
        (await cloudFront.send(new ListResponseHeadersPoliciesCommand({ Type: "custom", MaxItems: 2, ...(marker === undefined ? {} : { Marker: marker }) })))
          .ResponseHeadersPolicyList,
        "list",
      );
      pages += 1;
      expect(list.Items?.length ?? 0).toBeLessThanOrEqual(2);
      for (const item of list.Items ?? []) {
        expect(item.Type).toBe("custom");
        seen.push(item.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Name ?? "");
      }
      marker = list.NextMarker;
    } while (marker !== undefined && pages < 20);
    expect(seen.filter((name) => name.startsWith("paged-")).sort()).toEqual(names);
    expect(new Set(seen).size).toBe(seen.length);
    const managed = await cloudFront.send(new ListResponseHeadersPoliciesCommand({ Type: "managed" }));
    expect(managed.ResponseHeadersPolicyList?.Quantity).toBe(0);
  });

  it("carries ResponseHeadersPolicyId through a distribution's create, get and update, and refuses an unknown one", async () => {
    const oac = await createOriginAccessControl(cloudFront, "headers-oac");
    const first = await create("attached-first");
    const second = await create("attached-second");
    const base = operatorDistributionConfig({ callerReference: "headers-1", bucket: "headers-bucket", originAccessControlId: oac.id });
    const created = await createDistribution(cloudFront, withPolicy(base, first.id));
    expect(created.distribution.DistributionConfig?.DefaultCacheBehavior?.ResponseHeadersPolicyId).toBe(first.id);
    const read = await cloudFront.send(new GetDistributionCommand({ Id: created.id }));
    expect(read.Distribution?.DistributionConfig?.DefaultCacheBehavior?.ResponseHeadersPolicyId).toBe(first.id);

    const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: created.id }));
    const live = required(current.DistributionConfig, "config");
    const unknown = cloudFront.send(new UpdateDistributionCommand({ Id: created.id, IfMatch: current.ETag, DistributionConfig: withPolicy(live, "0f1e2d3c-unknown") }));
    expect(await awsError(unknown)).toEqual({ name: "NoSuchResponseHeadersPolicy", status: 404 });
    const moved = await cloudFront.send(new UpdateDistributionCommand({ Id: created.id, IfMatch: current.ETag, DistributionConfig: withPolicy(live, second.id) }));
    expect(moved.Distribution?.DistributionConfig?.DefaultCacheBehavior?.ResponseHeadersPolicyId).toBe(second.id);

    const fresh = operatorDistributionConfig({ callerReference: "headers-2", bucket: "headers-bucket", originAccessControlId: oac.id });
    expect(await awsError(createDistribution(cloudFront, withPolicy(fresh, "0f1e2d3c-unknown")))).toEqual({ name: "NoSuchResponseHeadersPolicy", status: 404 });
  });

  it("refuses to delete a policy a distribution names with ResponseHeadersPolicyInUse (409), until the distribution is gone", async () => {
    const oac = await createOriginAccessControl(cloudFront, "in-use-headers-oac");
    const policy = await create("in-use-policy");
    const base = operatorDistributionConfig({ callerReference: "headers-in-use", bucket: "in-use-bucket", originAccessControlId: oac.id });
    const created = await createDistribution(cloudFront, withPolicy(base, policy.id));
    expect(await awsError(cloudFront.send(new DeleteResponseHeadersPolicyCommand({ Id: policy.id, IfMatch: policy.etag })))).toEqual({
      name: "ResponseHeadersPolicyInUse",
      status: 409,
    });
    await retireDistribution(cloudFront, created.id);
    await cloudFront.send(new DeleteResponseHeadersPolicyCommand({ Id: policy.id, IfMatch: policy.etag }));
  });

  it("forgets every policy on /moto-api/reset, like the rest of the emulator's state (last: it empties the emulator)", async () => {
    await create("reset-policy");
    await resetMoto(env.awsEndpoint);
    const listed = await cloudFront.send(new ListResponseHeadersPoliciesCommand({}));
    expect(listed.ResponseHeadersPolicyList?.Quantity).toBe(0);
  });
});
