// Claim checks: issuer, token use, audience/client_id, time, groups.
import { describe, expect, it } from "vitest";
import { checkClaims, type ClaimPolicy } from "../../../edge-auth/src/claims.ts";
import { accessClaims, clientId, fixedNowSeconds as now, idClaims, issuer, otherClientId, requiredGroup } from "./fixtures.ts";

const idPolicy: ClaimPolicy = { issuer, clientIds: [clientId], requiredGroups: [requiredGroup], tokenUse: "id", clockToleranceSeconds: 30 };
const accessPolicy: ClaimPolicy = { ...idPolicy, tokenUse: "access" };

describe("checkClaims", () => {
  it("passes a valid ID token of a group member", () => {
    expect(checkClaims(idClaims(), idPolicy, now)).toBeUndefined();
  });

  it("passes a valid access token of a group member when access tokens are configured", () => {
    expect(checkClaims(accessClaims(), accessPolicy, now)).toBeUndefined();
  });

  it("accepts any of several client ids and any of several groups", () => {
    const policy = { ...idPolicy, clientIds: [otherClientId, clientId], requiredGroups: ["teachers", requiredGroup] };
    expect(checkClaims(idClaims({ "cognito:groups": ["x", "teachers"] }), policy, now)).toBeUndefined();
  });

  it.each([
    ["another pool", `${issuer}x`],
    ["another region", issuer.replace("us-east-1.amazonaws", "eu-west-1.amazonaws")],
    ["a trailing slash", `${issuer}/`],
    ["http", issuer.replace("https:", "http:")],
    ["different case", issuer.toUpperCase()],
    ["a missing iss", undefined],
    ["a non-string iss", 42],
  ])("rejects an issuer with %s", (_name, iss) => {
    expect(checkClaims(idClaims({ iss }), idPolicy, now)).toBe("wrong_issuer");
  });

  it("rejects an access token where ID tokens are required, and the reverse", () => {
    expect(checkClaims(accessClaims(), idPolicy, now)).toBe("wrong_token_use");
    expect(checkClaims(idClaims(), accessPolicy, now)).toBe("wrong_token_use");
    expect(checkClaims(idClaims({ token_use: undefined }), idPolicy, now)).toBe("wrong_token_use");
  });

  it.each([
    ["another client", otherClientId],
    ["a missing aud", undefined],
    ["an aud array, even one holding the client", [clientId]],
    ["a prefix of the client id", clientId.slice(0, -1)],
  ])("rejects an ID token for %s", (_name, aud) => {
    expect(checkClaims(idClaims({ aud }), idPolicy, now)).toBe("wrong_audience");
  });

  it("reads an access token's client from client_id, not aud", () => {
    expect(checkClaims(accessClaims({ client_id: otherClientId }), accessPolicy, now)).toBe("wrong_audience");
    expect(checkClaims(accessClaims({ client_id: undefined, aud: clientId }), accessPolicy, now)).toBe("wrong_audience");
  });

  it("requires a numeric exp", () => {
    expect(checkClaims(idClaims({ exp: undefined }), idPolicy, now)).toBe("exp_missing");
    expect(checkClaims(idClaims({ exp: String(now + 60) }), idPolicy, now)).toBe("exp_missing");
  });

  it("honours exp with the tolerance, with the same boundary as jose", () => {
    expect(checkClaims(idClaims({ exp: now - 29 }), idPolicy, now)).toBeUndefined();
    expect(checkClaims(idClaims({ exp: now - 30 }), idPolicy, now)).toBe("expired");
    expect(checkClaims(idClaims({ exp: now - 3600 }), idPolicy, now)).toBe("expired");
  });

  it("honours nbf with the tolerance", () => {
    expect(checkClaims(idClaims({ nbf: now + 30 }), idPolicy, now)).toBeUndefined();
    expect(checkClaims(idClaims({ nbf: now + 31 }), idPolicy, now)).toBe("not_yet_valid");
  });

  it("refuses a token issued in the future, beyond the tolerance", () => {
    expect(checkClaims(idClaims({ iat: now + 30 }), idPolicy, now)).toBeUndefined();
    expect(checkClaims(idClaims({ iat: now + 31 }), idPolicy, now)).toBe("issued_in_future");
  });

  it("refuses non-numeric nbf and iat", () => {
    expect(checkClaims(idClaims({ nbf: "0" }), idPolicy, now)).toBe("invalid_time_claim");
    expect(checkClaims(idClaims({ iat: null }), idPolicy, now)).toBe("invalid_time_claim");
  });

  it.each([
    ["no groups claim (the function in the Simple AWS article on Cognito and S3 crashed here)", undefined],
    ["an empty list", []],
    ["a string instead of an array", requiredGroup],
    ["a different case", ["Paid-Students"]],
    ["a prefix", ["paid-student"]],
    ["a suffix", ["paid-students-2023"]],
    ["surrounding spaces", [` ${requiredGroup} `]],
    ["a nested array", [[requiredGroup]]],
    ["an object", { [requiredGroup]: true }],
  ])("denies with 403 a member of %s", (_name, groups) => {
    expect(checkClaims(idClaims({ "cognito:groups": groups }), idPolicy, now)).toBe("not_in_group");
  });
});
