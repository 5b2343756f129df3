// Runs every benchmark in turn, each in its own process so that their memory figures stay separate.
// Not in the default run, because they generate a million accounts on a PostgreSQL server (BENCH_DATABASE_URL):
// picker-scale.ts (the structures picker) and accounts-search.ts (the accounts search, paging and tab counts);
// name them to run them: pnpm bench accounts-search.ts
import { spawnSync } from "node:child_process";

const benchmarks = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ["structures-list.ts", "login.ts", "cold-start.ts", "graceful-shutdown.ts"];
for (const file of benchmarks) {
  const result = spawnSync(process.execPath, [file], { stdio: "inherit", cwd: import.meta.dirname, env: process.env });
  if (result.status !== 0) process.exitCode = 1;
}
