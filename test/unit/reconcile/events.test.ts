import { describe, expect, it } from "vitest";
import { eventsFor } from "../../../src/reconcile/events.ts";
import type { Notice } from "../../../src/reconcile/common/context.ts";

const notice = (kind: Notice["kind"], reason: string, message: string): Notice => ({ kind, reason, message });

describe("eventsFor", () => {
  it("makes one Created Event of everything a first reconcile did", () => {
    const events = eventsFor([
      notice("changed", "BucketClaimed", "claimed bucket b"),
      notice("changed", "BlockPublicAccessEnabled", "turned on Block Public Access"),
      notice("created", "OriginAccessControlCreated", "created origin access control o"),
      notice("created", "EdgeFunctionCreated", "created edge function f"),
      notice("created", "DistributionCreated", "created distribution d"),
      notice("changed", "BucketPolicyGranted", "statement s lets only d read b"),
    ]);
    expect(events).toEqual([
      {
        type: "Normal",
        reason: "Created",
        message:
          "created origin access control o; created edge function f; created distribution d; claimed bucket b; turned on Block Public Access; statement s lets only d read b",
      },
    ]);
  });

  it("names what changed in one Updated Event, and what drifted in one Warning", () => {
    const events = eventsFor([
      notice("changed", "EdgeFunctionPublished", "published version 2"),
      notice("changed", "DistributionUpdated", "updated distribution d: DefaultCacheBehavior.LambdaFunctionAssociations"),
      notice("drift", "BlockPublicAccessRestored", "turned on BlockPublicPolicy"),
      notice("drift", "PublicStatementRemoved", "removed a public statement"),
    ]);
    expect(events).toEqual([
      { type: "Normal", reason: "Updated", message: "published version 2; updated distribution d: DefaultCacheBehavior.LambdaFunctionAssociations" },
      { type: "Warning", reason: "DriftCorrected", message: "turned on BlockPublicPolicy; removed a public statement" },
    ]);
  });

  it("keeps each refusal as a Warning of its own reason", () => {
    expect(eventsFor([notice("warning", "ExportSkipped", "ConfigMap c is not ours")])).toEqual([
      { type: "Warning", reason: "ExportSkipped", message: "ConfigMap c is not ours" },
    ]);
  });

  it("says Deleting while deletion waits and Deleted when it is done, even with nothing left to delete", () => {
    expect(eventsFor([notice("deleted", "DistributionDisabled", "disabled d")])).toEqual([{ type: "Normal", reason: "Deleting", message: "disabled d" }]);
    expect(eventsFor([notice("deleted", "OriginAccessControlDeleted", "deleted o")], { deletionComplete: true })).toEqual([
      { type: "Normal", reason: "Deleted", message: "deleted o" },
    ]);
    expect(eventsFor([], { deletionComplete: true })).toEqual([{ type: "Normal", reason: "Deleted", message: "nothing was left to delete" }]);
  });

  it("makes no Event when nothing happened", () => {
    expect(eventsFor([])).toEqual([]);
  });
});
