// SIGTERM while 200 requests/s hit the API: no 5xx other than 503, in-flight requests finish, exit < 10 s.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedDemo } from "@medimail/db/seed/demo";
import autocannon from "autocannon";
import { openBenchDatabase } from "./lib/database.ts";
import { printFigures } from "./lib/report.ts";
import { signInThroughApi } from "./lib/sign-in.ts";

const port = 3901;
const dataDir = mkdtempSync(path.join(tmpdir(), "medimail-shutdown-"));
// On a PostgreSQL server: a fresh database with the demo. Embedded: the server creates and seeds its own.
const serverDatabase = process.env.BENCH_DATABASE_URL ? await openBenchDatabase() : undefined;
if (serverDatabase) {
  await seedDemo(serverDatabase.db);
  await serverDatabase.db.$disconnect();
}
const env = {
  ...process.env,
  PORT: String(port),
  LOG_LEVEL: "warn",
  WEB_DIST: "",
  SMTP_CATCHER_PORT: "0",
  PSC_LOCAL_PORT: "0",
  DIRECTORY_STANDIN_PORT: "0",
  ...(serverDatabase ? { DATABASE_URL: serverDatabase.url } : { DATA_DIR: dataDir }),
};
// one process (Node runs the TypeScript itself), so the signal reaches the server itself
const server = spawn(process.execPath, [path.resolve(import.meta.dirname, "../apps/api/src/server.ts")], {
  env,
  stdio: "inherit",
  cwd: path.resolve(import.meta.dirname, "../apps/api"),
});
for (;;) {
  if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
  try {
    if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) break;
  } catch {}
  await new Promise((resolve) => setTimeout(resolve, 200));
}

// a signed-in operator: each request checks its session in the database, as the console's requests do
const { headers } = await signInThroughApi(
  `http://127.0.0.1:${port}`,
  "operateur@esante-occitanie.fr",
  "Medimail-demo-2026",
);
const statuses = new Map<number, number>();
let exitSeconds = Number.NaN;
let exitCode: number | null = null;
const load = new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    { url: `http://127.0.0.1:${port}/api/structures`, connections: 20, overallRate: 200, duration: 8, headers },
    (error, result) => (error ? reject(error) : resolve(result)),
  );
  instance.on("response", (_client, statusCode) => statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1));
});
setTimeout(() => {
  const signalledAt = performance.now();
  server.once("exit", (code) => {
    exitSeconds = (performance.now() - signalledAt) / 1000;
    exitCode = code;
  });
  server.kill("SIGTERM");
}, 3000);
const result = await load;
rmSync(dataDir, { recursive: true, force: true });
await serverDatabase?.drop();

const fiveHundreds = [...statuses].filter(([status]) => status >= 500 && status !== 503).reduce((n, [, c]) => n + c, 0);
printFigures(
  `SIGTERM under 200 requests/s, ${process.env.BENCH_DATABASE_URL ? "PostgreSQL server" : "embedded PGlite"}`,
  {
    "responses by status": JSON.stringify(Object.fromEntries(statuses)),
    "5xx other than 503": fiveHundreds,
    "connection errors (refused after the listener closed)": result.errors,
    "requests that timed out": result.timeouts,
    "seconds from SIGTERM to exit": exitSeconds,
    "exit code": String(exitCode),
    "latency median before/around shutdown (ms)": result.latency.p50,
    "latency p99 (ms)": result.latency.p99,
  },
);
if (fiveHundreds > 0 || !(exitSeconds < 10)) process.exitCode = 1;
