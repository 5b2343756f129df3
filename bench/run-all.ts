// Runs every benchmark in turn, each in its own process so that their memory figures stay separate.
import { spawnSync } from "node:child_process";

const benchmarks = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ["structures-list.ts", "login.ts", "cold-start.ts", "graceful-shutdown.ts"];
for (const file of benchmarks) {
  const result = spawnSync("tsx", [file], { stdio: "inherit", cwd: import.meta.dirname, env: process.env });
  if (result.status !== 0) process.exitCode = 1;
}
