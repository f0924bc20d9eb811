// Events reach the API server, attached to the object, and repeats are folded into one Event with a count.
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EventRecorder } from "../../../src/controller/events.ts";
import { KubeRestClient } from "../../../src/k8s/rest-client.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { installWidgetCrd, widgetGroup, widgetManifest } from "./widgets.ts";

const namespace = "machinery-events";

interface EventList {
  items: { reason: string; message: string; type: string; count: number; involvedObject: { name: string; uid: string }; source: { component: string } }[];
}

describe("EventRecorder", () => {
  const env = inject("harness");
  const kubeConfig = new KubeConfig();
  const client = (() => {
    kubeConfig.loadFromFile(env.kubeconfig);
    return new KubeRestClient(kubeConfig);
  })();

  beforeAll(async () => {
    await kubectl(env, ["create", "namespace", namespace]);
    await installWidgetCrd(env);
  });

  afterAll(async () => {
    await client.close();
  });

  it("records events on the object and aggregates identical repeats", async () => {
    await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(namespace, "noisy", { size: 1 }) });
    const uid = (await kubectl(env, ["get", "-n", namespace, "widget/noisy", "-o", "jsonpath={.metadata.uid}"])).trim();
    const recorder = new EventRecorder({ client, component: "securedcontent", instance: "test", log: pino({ level: "silent" }) });
    const ref = { apiVersion: `${widgetGroup}/v1`, kind: "Widget", namespace, name: "noisy", uid };
    recorder.record(ref, "Warning", "AccessDenied", "s3:PutBucketPolicy was denied");
    recorder.record(ref, "Warning", "AccessDenied", "s3:PutBucketPolicy was denied");
    recorder.record(ref, "Warning", "AccessDenied", "s3:PutBucketPolicy was denied");
    recorder.record(ref, "Normal", "PublicStatementRemoved", "removed statement PublicRead");
    await recorder.flush();

    const events = JSON.parse(
      await kubectl(env, ["get", "events", "-n", namespace, "--field-selector", `involvedObject.uid=${uid}`, "-o", "json"]),
    ) as EventList;
    const byReason = Object.fromEntries(events.items.map((e) => [e.reason, e]));
    expect(events.items).toHaveLength(2);
    expect(byReason["AccessDenied"]).toMatchObject({ type: "Warning", count: 3, source: { component: "securedcontent" } });
    expect(byReason["PublicStatementRemoved"]).toMatchObject({ type: "Normal", count: 1, message: "removed statement PublicRead" });
    expect(await kubectl(env, ["describe", "-n", namespace, "widget/noisy"])).toMatch(/AccessDenied.*s3:PutBucketPolicy was denied/);
    await kubectl(env, ["delete", "-n", namespace, "widget/noisy"]);
  });
});
