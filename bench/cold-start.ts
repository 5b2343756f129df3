// From `node server.ts` to the first answer of /ready on an empty embedded database (migrations + demo),
// then again on the same folder (restart: nothing to migrate, data kept).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { printFigures } from "./lib/report.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "medimail-bench-"));
const port = 3900;

async function startAndWait(): Promise<{ seconds: number; stop: () => Promise<void> }> {
  const start = performance.now();
  const server = spawn("tsx", [path.resolve(import.meta.dirname, "../apps/api/src/server.ts")], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn", WEB_DIST: "" },
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

const first = await startAndWait();
const structures = (await (await fetch(`http://127.0.0.1:${port}/api/structures`)).json()).items.length;
await first.stop();
const second = await startAndWait();
const after = (await (await fetch(`http://127.0.0.1:${port}/api/structures`)).json()).items.length;
await second.stop();
rmSync(dataDir, { recursive: true, force: true });

printFigures("Start-up to /ready, embedded database", {
  "first start: migrate + load demo (s)": first.seconds,
  "restart on the same data (s)": second.seconds,
  "structures before / after restart": `${structures} / ${after}`,
});
