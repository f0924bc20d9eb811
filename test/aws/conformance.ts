// `make test-aws`: the operator's conformance run against a real AWS account, for maintainers and users.
//
//   SECUREDCONTENT_TEST_AWS=yes-spend-money make test-aws            # a real account (us-east-1)
//   make test-aws ARGS=--emulator                                      # the same run against the local emulator
//
// Options: --emulator, --out <file> (default conformance-report.json), --prefix <name> (default scb-conf-<random>).
// Against AWS it needs credentials the AWS SDK finds (environment, profile, SSO) allowed to create and delete an
// S3 bucket, a Cognito user pool, two IAM identities, CloudFront distributions and Lambda functions, and the
// confirmation variable; it refuses to run in CI. It creates everything under a unique prefix, removes it at the
// end, also after a failure or Ctrl-C, and writes a report to send back (see README, "make test-aws").
import { existsSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startEnvironment, type Environment } from "../harness/environment.ts";
import { CleanupList } from "./cleanup.ts";
import { formatCost } from "./cost.ts";
import { runConformance, type ConformanceReport } from "./run.ts";
import { awsTarget, emulatorTarget, type Target } from "./target.ts";

const confirmation = "yes-spend-money";

interface Args {
  readonly emulator: boolean;
  readonly out: string;
  readonly prefix?: string;
}

function parseArgs(argv: readonly string[]): Args {
  let emulator = false;
  let out = "conformance-report.json";
  let prefix: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--emulator") emulator = true;
    else if (arg === "--out") out = argv[++i] ?? out;
    else if (arg === "--prefix") prefix = argv[++i];
    else throw new Error(`unknown argument ${String(arg)}; use --emulator, --out <file>, --prefix <name>`);
  }
  if (prefix !== undefined && !/^[a-z0-9-]{3,30}$/.test(prefix)) throw new Error("--prefix: 3-30 lowercase letters, digits or hyphens");
  return { emulator, out: resolve(out), ...(prefix === undefined ? {} : { prefix }) };
}

/** Why the run must not touch AWS, or undefined when it may. Looks only at the environment and files. */
export function refusalToRunAgainstAws(env: NodeJS.ProcessEnv, home: string): string | undefined {
  if (env["CI"] !== undefined && env["CI"] !== "" && env["CI"] !== "false") {
    return "CI is set: the conformance run never runs against AWS in CI. `make test` already runs it against the emulator.";
  }
  if (env["SECUREDCONTENT_TEST_AWS"] !== confirmation) {
    return (
      "This creates real AWS resources in us-east-1 and costs a few cents at most (see README, \"make test-aws\").\n" +
      `To go ahead, set SECUREDCONTENT_TEST_AWS=${confirmation}. To try it without AWS: make test-aws ARGS=--emulator`
    );
  }
  const sources = ["AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"];
  const configured = sources.some((name) => (env[name] ?? "") !== "") || ["credentials", "config"].some((file) => existsSync(join(home, ".aws", file)));
  if (!configured) {
    return "No AWS credentials found (AWS_ACCESS_KEY_ID, AWS_PROFILE, web identity, container credentials or ~/.aws): configure some first.";
  }
  return undefined;
}

/** The report to send back holds no account number (ARNs in AWS's messages carry one). */
export function redactAccounts(text: string): string {
  return text.replace(/\b\d{12}\b/g, "<account>");
}

function summary(report: ConformanceReport, out: string): string {
  return [
    "",
    `Conformance run against ${report.target === "aws" ? "AWS" : "the emulator"}: ${report.result.toUpperCase()} (${report.steps.filter((s) => s.status === "passed").length}/${report.steps.length} steps)`,
    ...report.steps.filter((s) => s.status !== "passed").map((s) => `  ${s.status}: ${s.name}${s.detail === undefined ? "" : ` (${s.detail})`}`),
    ...report.notes.map((note) => `Note: ${note}`),
    ...(report.leftovers.length === 0 ? ["Everything the run created was removed."] : ["Left behind, to remove by hand:", ...report.leftovers.map((l) => `  ${l.what}: ${l.instructions}`)]),
    formatCost(report.cost),
    `Report written to ${out}: please attach it when you report back.`,
  ].join("\n");
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.emulator) {
    const refusal = refusalToRunAgainstAws(process.env, homedir());
    if (refusal !== undefined) {
      console.error(`make test-aws: not running against AWS.\n${refusal}`);
      return 2;
    }
  }
  const log = (line: string): void => { console.log(`${new Date().toISOString().slice(11, 19)} ${line}`); };
  log("starting a local Kubernetes control plane for the operator (the harness's) ...");
  const environment: Environment = await startEnvironment({ label: "conformance", progress: log });
  const cleanup = new CleanupList();
  let interrupted = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted += 1;
    if (interrupted > 1) {
      log("second interrupt: exiting without finishing the cleanup; check the resources prefixed as above");
      process.exit(130);
    }
    log(`${signal}: removing what the run created (interrupt again to skip) ...`);
    void cleanup.run(log).then(async (report) => {
      writeFileSync(args.out, `${redactAccounts(JSON.stringify({ interrupted: signal, ...report }, null, 2))}\n`);
      await environment.stop();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  };
  // The harness stops its processes and exits on these signals; here the cleanup must finish first (against
  // the emulator it needs moto), so the run takes them over and stops the harness itself afterwards.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
  try {
    const target: Target = args.emulator ? emulatorTarget(environment.env) : await awsTarget(environment.env);
    log(`running against ${target.kind === "aws" ? "AWS, us-east-1" : "the emulator"}; every resource is named ${args.prefix ?? "scb-conf-<random>"}-...`);
    const report = await runConformance(target, { log, cleanup, ...(args.prefix === undefined ? {} : { prefix: args.prefix }) });
    writeFileSync(args.out, `${redactAccounts(JSON.stringify(report, null, 2))}\n`);
    console.log(summary(report, args.out));
    return report.result === "passed" ? 0 : 1;
  } finally {
    await environment.stop();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
