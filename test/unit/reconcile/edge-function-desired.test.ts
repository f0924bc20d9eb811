import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import {
  configurationCorrection,
  currentVersion,
  desiredFunctionSettings,
  driftedSettings,
  holdsPackage,
  referencedVersions,
  stateOf,
  tagChanges,
  versionsToPrune,
} from "../../../src/reconcile/edge-function/desired.ts";
import { tagKeys } from "../../../src/reconcile/common/naming.ts";

const settings = desiredFunctionSettings({ edgeFunctionRoleArn: "arn:aws:iam::123456789012:role/edge", edgeRuntime: "nodejs22.x" });
const arn = "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-a";

function version(number: string, codeSha256: string, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return { ...settings, FunctionArn: `${arn}:${number}`, Version: number, CodeSha256: codeSha256, ...extra };
}

describe("the edge function's desired settings", () => {
  it("are what Lambda@Edge allows a viewer-request function: 128 MB, 5 s, the module handler", () => {
    expect(settings).toEqual({ Role: "arn:aws:iam::123456789012:role/edge", Runtime: "nodejs22.x", Handler: "index.handler", MemorySize: 128, Timeout: 5 });
  });

  it("name every setting that drifted, and environment variables, which Lambda@Edge forbids", () => {
    expect(driftedSettings(version("1", "a"), settings)).toEqual([]);
    expect(driftedSettings(version("1", "a", { MemorySize: 256, Timeout: 30 }), settings)).toEqual(["MemorySize", "Timeout"]);
    expect(driftedSettings(version("1", "a", { Environment: { Variables: { DEBUG: "1" } } }), settings)).toEqual(["Environment"]);
  });

  it("name what Lambda@Edge forbids: layers, a VPC, an architecture other than x86_64", () => {
    const edited = version("1", "a", {
      Layers: [{ Arn: "arn:aws:lambda:us-east-1:123456789012:layer:tools:1" }],
      VpcConfig: { SubnetIds: ["subnet-1"], SecurityGroupIds: [] },
      Architectures: ["arm64"],
    });
    expect(driftedSettings(edited, settings)).toEqual(["Layers", "VpcConfig", "Architectures"]);
    expect(driftedSettings(version("1", "a", { Layers: [], VpcConfig: { SubnetIds: [], SecurityGroupIds: [], VpcId: "" }, Architectures: ["x86_64"] }), settings)).toEqual([]);
    expect(holdsPackage(edited, settings, "a")).toBe(false);
  });

  it("put back only what drifted, clearing layers and the VPC", () => {
    expect(configurationCorrection(["MemorySize"], settings)).toEqual(settings);
    expect(configurationCorrection(["Environment", "Layers", "VpcConfig"], settings)).toEqual({
      ...settings,
      Environment: { Variables: {} },
      Layers: [],
      VpcConfig: { SubnetIds: [], SecurityGroupIds: [] },
    });
  });
});

describe("versions", () => {
  const versions = [version("$LATEST", "new"), version("1", "old"), version("2", "new"), version("3", "new", { MemorySize: 512 }), version("4", "other")];

  it("the one to use is the newest that holds the package with the desired settings", () => {
    expect(holdsPackage(version("2", "new"), settings, "new")).toBe(true);
    expect(currentVersion(versions, settings, "new")?.Version).toBe("2");
    expect(currentVersion(versions, settings, "missing")).toBeUndefined();
  });

  it("prunes older unreferenced numbered versions only, oldest first", () => {
    expect(versionsToPrune(versions, 4, new Set(["2"]))).toEqual(["1", "3"]);
    expect(versionsToPrune(versions, 1, new Set())).toEqual([]);
  });

  it("finds this function's versions among the referenced ARNs", () => {
    const referenced = referencedVersions("scb-edge-a", [`${arn}:7`, "arn:aws:lambda:us-east-1:123456789012:function:scb-edge-b:8", `${arn}:$LATEST`]);
    expect([...referenced]).toEqual(["7"]);
  });

  it("describes a version as status records it, with the ARN the association names", () => {
    expect(stateOf("scb-edge-a", version("5", "sha"))).toEqual({ name: "scb-edge-a", arn, version: "5", versionArn: `${arn}:5`, codeSha256: "sha" });
  });
});

describe("tagChanges", () => {
  it("adds missing or different owner tags and removes a pending-deletion mark", () => {
    const current = { [tagKeys.owner]: "c/ns/old", [tagKeys.pendingDeletion]: "2026-01-01", keep: "x" };
    expect(tagChanges(current, { [tagKeys.owner]: "c/ns/new", [tagKeys.uid]: "u" })).toEqual({
      add: { [tagKeys.owner]: "c/ns/new", [tagKeys.uid]: "u" },
      remove: [tagKeys.pendingDeletion],
    });
    expect(tagChanges({ [tagKeys.owner]: "c/ns/new" }, { [tagKeys.owner]: "c/ns/new" })).toEqual({ add: {}, remove: [] });
  });
});
