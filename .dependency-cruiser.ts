// The project's dependency rules, checked by dependency-cruiser in `make lint`. Each rule says why it exists;
// a violation names the rule and the import that breaks it.
import type { IConfiguration } from "dependency-cruiser";

const configuration: IConfiguration = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "A cycle makes module initialisation order matter and ties the modules in it into one unit that cannot " +
        "be understood, tested or moved apart. Type-only imports count: they tie the modules together just as much.",
      from: {},
      to: { circular: true },
    },
    {
      name: "api-imports-nothing-of-ours",
      severity: "error",
      comment:
        "src/api is the resource's contract (schema, parsing, constants): the operator, the tools and the tests " +
        "build on it, so it depends on none of them. The one exception is edge-auth/src/limits.ts, the " +
        "constants-only file of the edge contract's limits that the API and the edge function share.",
      from: { path: "^src/api/" },
      to: {
        path: "^(src|edge-auth|test|bench|tools|examples)/",
        pathNot: ["^src/api/", "^edge-auth/src/limits\\.ts$"],
      },
    },
    {
      name: "machinery-imports-no-reconciler",
      severity: "error",
      comment:
        "src/controller, src/k8s and src/aws are generic machinery (controller runtime, Kubernetes client, AWS " +
        "clients); src/reconcile is the operator's logic built on them. Machinery that reached back into that " +
        "logic could no longer be reused or tested without it.",
      from: { path: "^src/(controller|k8s|aws)/" },
      to: { path: "^src/reconcile/" },
    },
    {
      name: "kubernetes-machinery-imports-no-aws",
      severity: "error",
      comment:
        "The controller runtime and the Kubernetes client know nothing of AWS: only the reconciler and main.ts " +
        "bring the two together.",
      from: { path: "^src/(controller|k8s)/" },
      to: { path: "^src/aws/" },
    },
    {
      name: "edge-function-self-contained",
      severity: "error",
      comment:
        "edge-auth/src is bundled alone into the Lambda@Edge function, whose size and start-up time are " +
        "limited: it may use Node.js built-ins but no package and no module outside its folder.",
      from: { path: "^edge-auth/src/" },
      to: { pathNot: "^edge-auth/src/", dependencyTypesNot: ["core"] },
    },
    {
      name: "runtime-imports-no-development-code",
      severity: "error",
      comment:
        "What ships (the operator in src, the edge function and its packager in edge-auth) must not depend on " +
        "tests, benchmarks, build tools or examples: they are not in the image, and would pull test-only " +
        "packages into production.",
      from: { path: "^(src|edge-auth)/" },
      to: { path: "^(test|bench|tools|examples|dev)/" },
    },
    {
      name: "one-home-per-aws-concern",
      severity: "error",
      comment:
        "Each folder under src/reconcile holds one AWS concern (bucket, origin-access-control, edge-function, " +
        "distribution) and builds only on src/reconcile/common; the files beside them order the concerns and " +
        "pass facts between them. A concern that reached into another, or into the orchestrator, would make " +
        "the order of steps and the concerns depend on each other.",
      from: { path: "^src/reconcile/([^/]+)/" },
      to: { path: "^src/reconcile/", pathNot: ["^src/reconcile/$1/", "^src/reconcile/common/"] },
    },
    {
      name: "tenancy-is-pure",
      severity: "error",
      comment:
        "src/tenancy decides, from the resource, its class and its namespace's labels, whether the resource is " +
        "allowed. It is a pure function of the API's types, so every rule can be unit tested and none can " +
        "depend on what an AWS or Kubernetes call returned: it imports src/api and nothing else of ours.",
      from: { path: "^src/tenancy/" },
      to: { path: "^(src|edge-auth|test|bench|tools|examples|dev)/", pathNot: ["^src/tenancy/", "^src/api/"] },
    },
    {
      name: "dev-uses-the-test-tree-through-one-door",
      severity: "error",
      comment:
        "`make dev` and `make up` (dev/) reuse the harness's process management and seeding through " +
        "test/harness/api.ts, and the edge emulator's server, so the harness can change with the tests.",
      from: { path: "^dev/" },
      to: { path: "^test/", pathNot: ["^test/harness/api\\.ts$", "^test/edge-emulator/server\\.ts$"] },
    },
    {
      name: "nothing-depends-on-dev",
      severity: "error",
      comment: "Tests, benchmarks, tools and the operator stand without `make dev`'s code.",
      from: { pathNot: "^dev/" },
      to: { path: "^dev/" },
    },
  ],
  options: {
    // Type-only imports are dependencies too (see no-circular).
    tsPreCompilationDeps: true,
    // Resolve as TypeScript does: imports name their .ts files (allowImportingTsExtensions).
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|\\.dev|coverage)/|/fixtures/" },
  },
};

export default configuration;
