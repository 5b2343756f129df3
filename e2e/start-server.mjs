// Starts the console for the end-to-end tests on a fresh embedded database (demo data loaded at start): the API as
// it ships, built into apps/api/dist (rebuilt here first, so that the tests never run an older build).
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const api = path.resolve(root, "apps/api");
rmSync(path.resolve(root, process.env.DATA_DIR ?? "e2e/.data"), { recursive: true, force: true });
const build = spawnSync(process.execPath, ["scripts/build.ts"], { cwd: api, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
const server = spawn(process.execPath, ["dist/server.js"], { cwd: api, stdio: "inherit", env: process.env });
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
