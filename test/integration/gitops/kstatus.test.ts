// kstatus, the library Flux's health checks use (sigs.k8s.io/cli-utils/pkg/kstatus, built from the Go module
// proxy), reads a SecuredContentBucket in each state the way the API promises: observedGeneration behind means
// InProgress, Reconciling=True InProgress, Stalled=True Failed, and Ready=True for the current generation Current.
import { beforeAll, describe, expect, it } from "vitest";
import { computeKstatus, ensureKstatus } from "../../harness/kstatus.ts";
import { healthSamples } from "./samples.ts";

describe("kstatus (Flux) on SecuredContentBucket status", () => {
  let kstatus: string;

  beforeAll(async () => {
    kstatus = await ensureKstatus((line) => { console.log(`[harness] ${line}`); });
  }, 15 * 60_000);

  it("reads every sample as the API promises", async () => {
    const verdicts = await computeKstatus(kstatus, healthSamples.map((sample) => sample.object));
    const got = healthSamples.map((sample, index) => ({ name: sample.name, ...verdicts[index] }));
    const want = healthSamples.map((sample) => ({ name: sample.name, ...sample.kstatus }));
    expect(got).toEqual(want);
  });

});
