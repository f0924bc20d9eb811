import { describe, expect, it } from "vitest";
import { forEachLimited } from "../../../bench/operator-scale/limited.ts";
import { parseScaleOptions } from "../../../bench/operator-scale/options.ts";
import { parseProcStatTicks, parseProcStatus } from "../../../bench/operator-scale/proc.ts";
import { growth, parsePrometheusText, sumBy, sumOf } from "../../../bench/operator-scale/prometheus.ts";
import { cpuTable, evaluateGoals, isMutating, mutatingCalls, readCalls, roundsTable, steadyTable, type RoundResult } from "../../../bench/operator-scale/report.ts";
import { percentile, perUnit, total } from "../../../bench/operator-scale/stats.ts";

describe("parsePrometheusText", () => {
  const text = [
    "# HELP securedcontent_aws_calls_total AWS API calls",
    "# TYPE securedcontent_aws_calls_total counter",
    'securedcontent_aws_calls_total{service="s3",operation="GetBucketPolicy",outcome="success"} 12',
    'securedcontent_aws_calls_total{service="s3",operation="GetBucketPolicy",outcome="NoSuchBucketPolicy"} 3',
    'securedcontent_aws_calls_total{service="cloudfront",operation="CreateDistributionWithTags",outcome="success"} 1',
    'apiserver_request_total{code="200",verb="GET",resource="a\\"b"} 7 1700000000000',
    "workqueue_depth 0",
    "process_heap_bytes +Inf",
    "malformed line without value",
  ].join("\n");

  it("reads names, labels (with escapes), values and optional timestamps", () => {
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(6);
    expect(samples[3]).toEqual({ name: "apiserver_request_total", labels: { code: "200", verb: "GET", resource: 'a"b' }, value: 7 });
    expect(sumOf(samples, "workqueue_depth")).toBe(0);
    expect(sumOf(samples, "process_heap_bytes")).toBe(Number.POSITIVE_INFINITY);
  });

  it("sums by a label and subtracts two scrapes", () => {
    const samples = parsePrometheusText(text);
    const before = sumBy(samples, "securedcontent_aws_calls_total", (l) => l["operation"]);
    expect(before).toEqual(new Map([["GetBucketPolicy", 15], ["CreateDistributionWithTags", 1]]));
    const after = new Map([["GetBucketPolicy", 20], ["CreateDistributionWithTags", 1], ["PutBucketPolicy", 2]]);
    expect(growth(before, after)).toEqual(new Map([["GetBucketPolicy", 5], ["PutBucketPolicy", 2]]));
    expect(sumOf(samples, "securedcontent_aws_calls_total", (l) => l["service"] === "s3")).toBe(15);
  });
});

describe("statistics", () => {
  it("takes nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([3], 0.99)).toBe(3);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it("divides counts per resource", () => {
    expect(perUnit(new Map([["a", 10], ["b", 5]]), 5)).toEqual(new Map([["a", 2], ["b", 1]]));
    expect(perUnit(new Map([["a", 1]]), 0).get("a")).toBeNaN();
    expect(total(new Map([["a", 1.5], ["b", 2]]))).toBe(3.5);
  });
});

describe("/proc parsing", () => {
  it("reads current and peak resident memory", () => {
    const status = "Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nRssAnon:\t   61440 kB\nRssFile:\t   40960 kB\n";
    expect(parseProcStatus(status)).toEqual({ rssBytes: 100 * 1024 * 1024, peakRssBytes: 200 * 1024 * 1024, anonBytes: 60 * 1024 * 1024 });
  });

  it("reads user and system ticks even when the command name holds spaces and parentheses", () => {
    const fields = ["S", ...Array.from({ length: 10 }, () => "0"), "250", "50", "0", "0"];
    expect(parseProcStatTicks(`4242 (node (main) x) ${fields.join(" ")}`)).toBe(300);
  });
});

describe("parseScaleOptions", () => {
  it("has defaults that reproduce the table in docs/performance.md", () => {
    const options = parseScaleOptions([]);
    expect(options).toMatchObject({ sizes: [10, 100, 500, 1000], concurrency: 4, rateLimits: "off", deployAfterReads: 1, deployingRequeueSeconds: 1, operatorEntry: "build" });
    expect(options).toMatchObject({ operatorNodeOptions: ["--max-old-space-size=64", "--max-semi-space-size=4"] });
    expect(parseScaleOptions(["--node-options=", "--operator", "source"])).toMatchObject({ operatorNodeOptions: [], operatorEntry: "source" });
  });

  it("sorts and de-duplicates sizes, and rejects nonsense", () => {
    expect(parseScaleOptions(["--sizes", "500,10,10"])).toMatchObject({ sizes: [10, 500] });
    expect(parseScaleOptions(["--rate-limits", "cloudfront=5/10,s3=50/100"])).toMatchObject({ rateLimits: "cloudfront=5/10,s3=50/100" });
    expect(() => parseScaleOptions(["--sizes", "0"])).toThrow(/--sizes/);
    expect(() => parseScaleOptions(["--rate-limits", "iam=1/1"])).toThrow(/--rate-limits/);
    expect(parseScaleOptions(["--help"])).toBe("help");
  });
});

describe("forEachLimited", () => {
  it("never runs more than the limit at once and visits every item", async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(item);
      running -= 1;
    });
    expect(most).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("rethrows the first failure", async () => {
    await expect(forEachLimited([1, 2], 2, (item) => (item === 2 ? Promise.reject(new Error("boom")) : Promise.resolve()))).rejects.toThrow("boom");
  });
});

function round(overrides: Partial<RoundResult>): RoundResult {
  return {
    size: 10,
    floorSeconds: 10,
    floorCalls: new Map([["CreateDistributionWithTags", 1], ["GetDistribution", 1]]),
    convergeSeconds: 11,
    readyP50Seconds: 2,
    readyP99Seconds: 4,
    createCalls: new Map([["CreateDistributionWithTags", 1], ["GetDistribution", 2]]),
    createKube: new Map([["PATCH", 2]]),
    createCloudFrontCalls: 3.5,
    fullPassCloudFrontCalls: 2,
    createReconciles: 2,
    cpu: { floorMoto: 5, moto: 6, controlPlane: 2, operator: 3 },
    createPeakRssBytes: 100 * 1024 * 1024,
    idleRssBytes: 70 * 1024 * 1024,
    createPeakAnonBytes: 60 * 1024 * 1024,
    steadyPeakAnonBytes: 50 * 1024 * 1024,
    fullPassCalls: new Map([["GetDistribution", 1]]),
    resyncCalls: new Map([["GetBucketTagging", 1], ["GetPublicAccessBlock", 1], ["GetBucketPolicy", 1]]),
    resyncKube: new Map([["GET", 1]]),
    resyncs: 2,
    steadyRssBytes: 80 * 1024 * 1024,
    steadyPeakRssBytes: 90 * 1024 * 1024,
    resyncCpuSeconds: 0.5,
    ...overrides,
  };
}

describe("report", () => {
  it("tells mutating calls from reads", () => {
    expect(isMutating("PutBucketPolicy")).toBe(true);
    expect(isMutating("CreateFunction")).toBe(true);
    expect(isMutating("GetBucketPolicy")).toBe(false);
    expect(isMutating("ListOriginAccessControls")).toBe(false);
    const counts = new Map([["PutBucketPolicy", 1], ["GetBucketPolicy", 2], ["(JWKS fetch)", 1]]);
    expect(mutatingCalls(counts)).toBe(1);
    expect(readCalls(counts)).toBe(2);
  });

  it("judges each goal, and measures RSS at the largest size with the growth per resource", () => {
    const outcomes = evaluateGoals([
      round({}),
      round({ size: 1000, convergeSeconds: 20, steadyRssBytes: 180 * 1024 * 1024, steadyPeakRssBytes: 200 * 1024 * 1024, resyncCalls: new Map([["PutBucketPolicy", 0.01], ["GetBucketPolicy", 1]]) }),
    ]);
    expect(outcomes.map((o) => o.pass)).toEqual([true, false, true, false, false]);
    expect(outcomes[4]?.measured).toContain("200 MB in sync, 100 MB while creating all 1000 at once");
    expect(outcomes[4]?.measured).toContain("113.8 KB per CR");
  });

  it("prints one row per round", () => {
    const table = roundsTable([round({}), round({ size: 100 })]);
    expect(table.split("\n")).toHaveLength(4);
    expect(table).toContain("| 10 | 10.0 s | 11.0 s | **1.10×** | 2.0 / 4.0 s | 2.0 | 2.0 → 3.0 (1.0) | 3.50 / 2.00 | 2.0 |");
    expect(steadyTable([round({})])).toContain("| 10 | 1.0 (0.0) | 0.00 / 3.00 | 1.00 | 70 / 90 / 100 MB | 50 / 60 MB |");
    expect(cpuTable([round({})])).toContain("| 10 | 500 | 600 | 1.20× | 200 | 300 | 1100 |");
  });
});
