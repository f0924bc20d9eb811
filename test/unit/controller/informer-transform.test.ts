import { describe, expect, it } from "vitest";
import { metadataOnly } from "../../../src/controller/informer.ts";
import { needsReconcile } from "../../../src/controller/manager.ts";

const stored = {
  apiVersion: "securedcontent.io/v1alpha1",
  kind: "SecuredContentBucket",
  metadata: {
    name: "courses",
    namespace: "learning",
    uid: "uid-1",
    resourceVersion: "42",
    generation: 3,
    finalizers: ["securedcontent.io/cleanup"],
    labels: { team: "video" },
    managedFields: [{ manager: "kubectl", operation: "Apply", fieldsV1: { "f:spec": {} } }],
  },
  spec: { bucket: { name: "b", region: "us-east-1" } },
  status: { conditions: [{ type: "Ready", status: "True" }] },
};

describe("metadataOnly", () => {
  it("keeps the metadata without managedFields, and drops spec and status", () => {
    const cached = metadataOnly(stored);
    expect(cached).toEqual({
      apiVersion: "securedcontent.io/v1alpha1",
      kind: "SecuredContentBucket",
      metadata: { name: "courses", namespace: "learning", uid: "uid-1", resourceVersion: "42", generation: 3, finalizers: ["securedcontent.io/cleanup"], labels: { team: "video" } },
    });
    expect(stored.metadata.managedFields).toHaveLength(1); // the input is left alone
  });

  it("keeps everything the manager decides a reconcile on", () => {
    const before = metadataOnly(stored);
    const statusOnly = metadataOnly({ ...stored, metadata: { ...stored.metadata, resourceVersion: "43" }, status: { conditions: [] } });
    const specChange = metadataOnly({ ...stored, metadata: { ...stored.metadata, resourceVersion: "44", generation: 4 } });
    expect(needsReconcile(statusOnly, before)).toBe(false);
    expect(needsReconcile(specChange, before)).toBe(true);
  });
});
