// From `node server.ts` to the first answer of /ready on an empty embedded database (migrations + demo),
// then again on the same folder (restart: nothing to migrate, data kept).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { printFigures } from "./lib/report.ts";
import { signInThroughApi } from "./lib/sign-in.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "medimail-bench-"));
const port = 3900;

async function startAndWait(): Promise<{ seconds: number; stop: () => Promise<void> }> {
  const start = performance.now();
  const server = spawn(process.execPath, [path.resolve(import.meta.dirname, "../apps/api/src/server.ts")], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: "warn",
      WEB_DIST: "",
      SMTP_CATCHER_PORT: "0",
      PSC_LOCAL_PORT: "0",
      DIRECTORY_STANDIN_PORT: "0",
    },
    stdio: "inherit",
  });
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    seconds,
    stop: () =>
      new Promise((resolve) => {
        server.once("exit", () => resolve());
        server.kill("SIGTERM");
      }),
  };
}

/** The structures the demo operator sees, signed in through the API (password and emailed code). */
async function countStructures(): Promise<number> {
  const base = `http://127.0.0.1:${port}`;
  const { headers } = await signInThroughApi(base, "operateur@esante-occitanie.fr", "Medimail-demo-2026");
  return (await (await fetch(`${base}/api/structures`, { headers })).json()).items.length;
}

const first = await startAndWait();
const structures = await countStructures();
await first.stop();
const second = await startAndWait();
const after = await countStructures();
await second.stop();
rmSync(dataDir, { recursive: true, force: true });

printFigures("Start-up to /ready, embedded database", {
  "first start: migrate + load demo (s)": first.seconds,
  "restart on the same data (s)": second.seconds,
  "structures before / after restart": `${structures} / ${after}`,
});
