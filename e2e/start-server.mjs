// Starts the console for the end-to-end tests on a fresh embedded database (demo data loaded at start).
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
rmSync(path.resolve(root, process.env.DATA_DIR ?? "e2e/.data"), { recursive: true, force: true });
const server = spawn("pnpm", ["--filter", "@medimail/api", "start"], { cwd: root, stdio: "inherit", env: process.env });
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
