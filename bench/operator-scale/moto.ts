// moto for the benchmark: the harness's virtualenv and launcher, started through moto_serve.py, which adds the
// one patch a scale run needs (paging of origin access controls; see that file).
import { join } from "node:path";
import { ensureMotoVenv } from "../../test/harness/moto.ts";
import { repoRoot } from "../../test/harness/paths.ts";
import { freePort } from "../../test/harness/ports.ts";
import { startProcess } from "../../test/harness/process.ts";
import { waitFor } from "../../test/harness/wait.ts";

export interface ScaleMoto {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The environment without moto's own variables, as the harness starts it. */
function motoEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("MOTO_") && name !== "INITIAL_NO_AUTH_ACTION_COUNT" && name !== "TEST_SERVER_MODE"));
  return { ...env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" };
}

export async function startScaleMoto(options: { runDir: string; deployAfterReads: number; progress: (line: string) => void }): Promise<ScaleMoto> {
  const python = await ensureMotoVenv(options.progress);
  const port = await freePort();
  const launcher = join(import.meta.dirname, "moto_serve.py");
  const moto = startProcess({
    name: "moto",
    command: python,
    args: [launcher, "--host", "127.0.0.1", "--port", String(port), "--deploy-after-reads", String(options.deployAfterReads)],
    logFile: join(options.runDir, "logs", "moto.log"),
    env: motoEnv(),
    cwd: join(repoRoot, "test", "harness", "moto"),
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      },
      {
        what: `moto to answer on ${endpoint}`,
        timeoutMs: 60_000,
        intervalMs: 100,
        abortIf: () => {
          const reason = moto.exitReason();
          return reason === undefined ? undefined : new Error(`moto ${reason}:\n${moto.logTail()}`);
        },
      },
    );
  } catch (error) {
    await moto.stop();
    throw error;
  }
  options.progress(`moto: ready at ${endpoint} (log: ${moto.logFile})`);
  return { endpoint, pid: moto.pid, stop: () => moto.stop() };
}
