// Runs before each integration test file: every file starts from an empty emulator, with IAM enforcement off.
import { beforeAll, inject } from "vitest";
import { resetMoto } from "./moto.ts";

beforeAll(async () => {
  await resetMoto(inject("harness").awsEndpoint);
});
