// Sign-in: the password + emailed code round trip (median, p99), and 200 concurrent wrong attempts against
// the per-IP limit (every answer 401 or 429, none 5xx). Real outbox delivery to the local SMTP catcher.
import { buildApp } from "@medimail/api/app";
import { startBackground } from "@medimail/api/jobs/background";
import { seedDemo } from "@medimail/db/seed/demo";
import pino from "pino";
import { openBenchDatabase } from "./lib/database.ts";
import { percentile, printFigures, trackPeakRss } from "./lib/report.ts";
import { signInThroughApi } from "./lib/sign-in.ts";

const ROUND_TRIPS = Number(process.env.BENCH_LOGINS ?? 50);
const database = await openBenchDatabase();
await seedDemo(database.db);
const log = pino({ level: "warn" });
const background = await startBackground({
  config: {
    SMTP_URL: undefined,
    SMTP_CATCHER_PORT: 0,
    MAIL_FROM: "Medimail <ne-pas-repondre@bench.local>",
    RUN_WORKERS: true,
    JOB_BATCH_SIZE: 200,
    IMPORT_BATCH_SIZE: 1000,
    JOBS_SUPERVISE_SECONDS: 30,
    JOBS_RETRY_DELAY_SECONDS: 5,
  },
  db: database.db,
  databaseUrl: database.url,
  log,
  schedulerIntervalMs: 0,
});
const rss = trackPeakRss();

// 1. Round trips, one after the other: what an administrator waits for.
const app = await buildApp({ db: database.db, background, auth: { loginAttemptsPerMinute: 100_000 } });
const base = await app.listen({ port: 0, host: "127.0.0.1" });
const password: number[] = [];
const mail: number[] = [];
const verify: number[] = [];
const total: number[] = [];
for (let i = 0; i < ROUND_TRIPS; i++) {
  const { timings } = await signInThroughApi(base, "admin.ght31@ght31.fr", "Medimail-demo-2026");
  password.push(timings.password);
  mail.push(timings.mailArrival);
  verify.push(timings.verify);
  total.push(timings.password + timings.mailArrival + timings.verify);
}
for (const samples of [password, mail, verify, total]) samples.sort((a, b) => a - b);

// 2. 200 wrong attempts at once from one IP, with the default limit (10 per minute). The counters live in the
// database shared with the first app: the burst comes from another address (behind a trusted proxy).
const limited = await buildApp({
  db: database.db,
  background,
  trustProxy: true,
  auth: { loginAttemptsPerMinute: 10 },
});
const limitedBase = await limited.listen({ port: 0, host: "127.0.0.1" });
const session = await fetch(`${limitedBase}/api/auth/session`);
const csrfCookie = session.headers.getSetCookie()[0]?.split(";")[0] ?? "";
const { csrfToken } = (await session.json()) as { csrfToken: string };
const statuses = new Map<number, number>();
const latencies: number[] = [];
const burstStart = performance.now();
await Promise.all(
  Array.from({ length: 200 }, async (_, i) => {
    const started = performance.now();
    const response = await fetch(`${limitedBase}/api/auth/password`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-csrf-token": csrfToken,
        cookie: csrfCookie,
        "x-forwarded-for": "192.0.2.10",
      },
      body: JSON.stringify({ email: `attaque.${i}@exemple.fr`, password: "mauvais" }),
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  }),
);
const burstSeconds = (performance.now() - burstStart) / 1000;
latencies.sort((a, b) => a - b);

printFigures(`Sign-in: password + emailed code, ${ROUND_TRIPS} round trips, ${database.kind}`, {
  "password step median / p99 (ms)": `${percentile(password, 50).toFixed(0)} / ${percentile(password, 99).toFixed(0)}`,
  "code delivered to the SMTP catcher median / p99 (ms)": `${percentile(mail, 50).toFixed(0)} / ${percentile(mail, 99).toFixed(0)}`,
  "code step median / p99 (ms)": `${percentile(verify, 50).toFixed(0)} / ${percentile(verify, 99).toFixed(0)}`,
  "whole round trip median (ms)": percentile(total, 50),
  "whole round trip p99 (ms)": percentile(total, 99),
});
printFigures("200 concurrent wrong passwords from one IP (limit 10 per minute)", {
  "responses by status": JSON.stringify(Object.fromEntries(statuses)),
  "5xx": [...statuses].filter(([status]) => status >= 500).reduce((n, [, count]) => n + count, 0),
  "burst duration (s)": burstSeconds,
  "latency median / p99 (ms)": `${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 99).toFixed(0)}`,
  "peak RSS (MiB, API + workers + database in one process)": rss.stop(),
});

await limited.close();
await app.close();
await background.stop();
await database.db.$disconnect();
await database.drop();
