// make test-aws touches a real account only when asked twice (credentials and the confirmation variable), never
// in CI, and the report it writes carries no account number.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redactAccounts, refusalToRunAgainstAws } from "../../aws/conformance.ts";
import { estimateCost } from "../../aws/cost.ts";

const emptyHome = mkdtempSync(join(tmpdir(), "conformance-home-"));

describe("make test-aws's gate", () => {
  it("refuses without the confirmation variable, even with credentials", () => {
    expect(refusalToRunAgainstAws({ AWS_ACCESS_KEY_ID: "AKIA..." }, emptyHome)).toMatch(/SECUREDCONTENT_TEST_AWS=yes-spend-money/);
    expect(refusalToRunAgainstAws({ AWS_ACCESS_KEY_ID: "AKIA...", SECUREDCONTENT_TEST_AWS: "yes" }, emptyHome)).toMatch(/set SECUREDCONTENT_TEST_AWS/);
  });

  it("refuses without credentials, even confirmed", () => {
    expect(refusalToRunAgainstAws({ SECUREDCONTENT_TEST_AWS: "yes-spend-money" }, emptyHome)).toMatch(/No AWS credentials/);
  });

  it("refuses in CI whatever else is set", () => {
    expect(refusalToRunAgainstAws({ CI: "true", AWS_PROFILE: "admin", SECUREDCONTENT_TEST_AWS: "yes-spend-money" }, emptyHome)).toMatch(/never runs against AWS in CI/);
  });

  it("goes ahead with the confirmation and credentials from the environment, a profile or ~/.aws", () => {
    expect(refusalToRunAgainstAws({ SECUREDCONTENT_TEST_AWS: "yes-spend-money", AWS_ACCESS_KEY_ID: "AKIA..." }, emptyHome)).toBeUndefined();
    expect(refusalToRunAgainstAws({ SECUREDCONTENT_TEST_AWS: "yes-spend-money", AWS_PROFILE: "sandbox", CI: "false" }, emptyHome)).toBeUndefined();
    const home = mkdtempSync(join(tmpdir(), "conformance-home-"));
    mkdirSync(join(home, ".aws"));
    writeFileSync(join(home, ".aws", "config"), "[default]\n");
    expect(refusalToRunAgainstAws({ SECUREDCONTENT_TEST_AWS: "yes-spend-money" }, home)).toBeUndefined();
  });

  it("writes no account number into the report", () => {
    expect(redactAccounts('"arn:aws:iam::111122223333:role/scb-conf-abc-edge"')).toBe('"arn:aws:iam::<account>:role/scb-conf-abc-edge"');
  });

  it("estimates a run's cost from what it used, well under a dollar", () => {
    const estimate = estimateCost({ viewerRequests: 40, bytesServed: 3_000_000, objectBytes: 65_536, runSeconds: 3_600, signedInUsers: 2 });
    expect(estimate.totalUsd).toBeGreaterThan(0);
    expect(estimate.totalUsd).toBeLessThan(0.1);
    expect(estimate.pricesAsOf).toMatch(/^\d{4}-\d{2}/);
  });
});
