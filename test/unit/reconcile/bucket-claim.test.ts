import { describe, expect, it } from "vitest";
import { toAwsError } from "../../../src/aws/errors.ts";
import { failureReason, isPermanent } from "../../../src/errors.ts";
import { bucketInOtherRegion, claimOf, withClaim, withoutClaim } from "../../../src/reconcile/bucket/claim.ts";
import { settingsOff } from "../../../src/reconcile/bucket/exposure.ts";
import { tagKeys } from "../../../src/reconcile/common/naming.ts";

describe("the bucket claim", () => {
  const others = [{ Key: "team", Value: "learning" }, { Key: "aws:cloudformation:stack-name", Value: "site" }];

  it("is read from the owner tag", () => {
    expect(claimOf(others)).toBeUndefined();
    expect(claimOf([...others, { Key: tagKeys.owner, Value: "c/ns/n" }])).toBe("c/ns/n");
  });

  it("is set and removed keeping every other tag", () => {
    const claimed = withClaim([...others, { Key: tagKeys.owner, Value: "c/ns/old" }], "c/ns/new");
    expect(claimed).toEqual([...others, { Key: tagKeys.owner, Value: "c/ns/new" }]);
    expect(withoutClaim(claimed)).toEqual(others);
  });
});

describe("Block Public Access", () => {
  it("names the settings that are off, all four when the bucket has none", () => {
    expect(settingsOff(undefined)).toEqual(["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]);
    expect(settingsOff({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true })).toEqual(["BlockPublicPolicy"]);
    expect(settingsOff({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })).toEqual([]);
  });
});

describe("a bucket in another region", () => {
  function redirect(headers: Record<string, string>): unknown {
    const error = Object.assign(new Error("The bucket you are attempting to access must be addressed using the specified endpoint."), {
      name: "PermanentRedirect",
      $metadata: { httpStatusCode: 301 },
      $response: { headers },
    });
    return toAwsError(error, "s3", "GetBucketTagging");
  }

  it("stalls naming the bucket's region from S3's redirect", () => {
    const error = bucketInOtherRegion(redirect({ "x-amz-bucket-region": "eu-west-1" }), "courses", "us-east-1");
    expect(isPermanent(error)).toBe(true);
    expect(failureReason(error)).toBe("BucketInOtherRegion");
    expect(error?.message).toMatch(/^bucket courses is in region eu-west-1, not us-east-1; /);
  });

  it("still stalls, without a region, when S3 left the header out", () => {
    expect(bucketInOtherRegion(redirect({}), "courses", "us-east-1")?.message).toMatch(/is in another region/);
  });

  it("leaves other failures alone", () => {
    const denied = toAwsError(Object.assign(new Error("no"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }), "s3", "GetBucketTagging");
    expect(bucketInOtherRegion(denied, "courses", "us-east-1")).toBeUndefined();
  });
});
