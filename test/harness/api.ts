// The part of the harness that code outside the tests may use: dev/ (`make dev`, `make up`) reaches into the
// test tree only through this module and the edge emulator's server.ts, and eslint.config.js holds it to that.
// Everything else in test/harness is free to change with the tests. Tests import the harness's modules directly.

// Starting and stopping processes: the control plane and moto together, any other child process, kubectl.
export { startEnvironment, type Environment } from "./environment.ts";
export { startProcess } from "./process.ts";
export { kubectl } from "./kubectl.ts";
export { freePort } from "./ports.ts";
export { emulatorCredentials, emulatorOperatorEnv, type HarnessEnv } from "./env.ts";
export { writeAdminCredentialFiles } from "./credentials.ts";

// Seeding the emulator. The tests seed the same kinds of resources (and the end-to-end tests the same course
// content), so these helpers live with them rather than in dev/.
export { consentToConsumers, courseContent, createEdgeRole, createPublicContentBucket, type ContentObject } from "./aws-seed.ts";
export { seedUserPool, signInSeededUser, type SeededPool } from "./cognito.ts";
