// The operator's rule for "public" against the shared table of cases (test/fixtures/public-policy-vectors.json),
// which the emulator's rule is held to as well (test/integration/moto/s3-public-policy-vectors.test.ts).
import { describe, expect, it } from "vitest";
import { publicPolicyVectors } from "../../support/public-policy-vectors.ts";
import { judgeStatement, statementLabel } from "../../../src/reconcile/bucket/public-policy.ts";

const vectors = publicPolicyVectors();

describe("S3's rule for a public bucket policy statement", () => {
  it("has cases both ways, each with the documentation it rests on", () => {
    expect(vectors.filter((v) => v.public).length).toBeGreaterThan(10);
    expect(vectors.filter((v) => !v.public).length).toBeGreaterThan(10);
    for (const vector of vectors) expect(vector.reason).toMatch(/UG|API/);
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s", (_name, vector) => {
    const judgement = judgeStatement(vector.statement);
    expect({ public: judgement.public, why: judgement.reason }).toMatchObject({ public: vector.public });
  });

  it("marks the statements that only a condition keeps non-public, and only those", () => {
    const rests = vectors.filter((v) => judgeStatement(v.statement).restsOnCondition).map((v) => v.name);
    expect(rests).toContain("Principal * limited to an office network by aws:SourceIp");
    expect(rests).not.toContain("a fixed role principal");
    expect(rests).not.toContain("Principal * without a condition");
    for (const name of rests) expect(vectors.find((v) => v.name === name)?.public).toBe(false);
  });

  it("explains its verdict in words", () => {
    expect(judgeStatement({ Effect: "Allow", Principal: "*" }).reason).toBe('it grants to Principal "*" and no condition pins the caller to fixed values');
    expect(judgeStatement({ Effect: "Allow", Principal: "*", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }).reason).toBe(
      'it grants to Principal "*", but IpAddress aws:SourceIp limits it to ranges no broader than /8 (IPv4) or /32 (IPv6)',
    );
    expect(statementLabel({ Sid: "OfficeRead" }, 0)).toBe('"OfficeRead"');
    expect(statementLabel({}, 2)).toBe("statement 3 (no Sid)");
  });

  it("does not take a malformed aws:SourceIp value for a range", () => {
    for (const value of ["203.0.113.0/24/1", "203.0.113.0/255.255.255.0", "not-an-address", "203.0.113.0/33", "2001:db8::/129", ""]) {
      const statement = { Effect: "Allow", Principal: "*", Condition: { IpAddress: { "aws:SourceIp": value } } };
      expect(judgeStatement(statement).public).toBe(true);
    }
  });
});
