// Three API processes (the production build, `serve`'s options) on one PostgreSQL behind HAProxy configured as
// deploy/haproxy.cfg, under 200 requests/s of signed-in reads and writes; one instance is SIGKILLed halfway.
// Prints latencies, failures, lost or doubled writes, each instance's peak RSS and the cron runs recorded.
// BENCH_DATABASE_URL: the PostgreSQL server to use (the embedded PGlite otherwise, much slower under 3 processes).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { startSmtpCatcher } from "@medimail/api/modules/mail/smtp-catcher";
import { DEMO_PASSWORD, seedDemo } from "@medimail/db/seed/demo";
import { startCluster } from "../apps/api/test/cluster.ts";
import { HttpSession, waitForCode } from "../apps/api/test/http-session.ts";
import { apiOptionsText, apiProcess } from "./lib/api-process.ts";
import { openBenchDatabase } from "./lib/database.ts";
import { percentile, printFigures } from "./lib/report.ts";

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WRITE_SHARE = 0.2;

const database = await openBenchDatabase();
await seedDemo(database.db);
const catcher = await startSmtpCatcher();
const server = apiProcess();
const startedAt = new Date();
const cluster = await startCluster({
  instances: 3,
  databaseUrl: database.url,
  script: server.script,
  nodeOptions: server.nodeOptions,
  servedByHeader: true,
  env: {
    ...server.env,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    WEB_DIST: "",
    SMTP_URL: catcher.url,
    PUBLIC_URL: "http://127.0.0.1",
    COOKIE_SECURE: "false",
    ALLOW_INSECURE_TRANSPORT: "true",
    SECRETS_KEY: randomBytes(32).toString("base64"),
    TRUST_PROXY: "true",
    RUN_WORKERS: "true",
    LOGIN_ATTEMPTS_PER_MINUTE: "1000",
  },
});

// The GHT's administrator, signed in from five browsers (five client addresses), reads and creates accounts in
// the structures it administers.
const ADMIN = "admin.ght31@ght31.fr";
const seen = new Set<string>();
const sessions: HttpSession[] = [];
for (let index = 1; index <= 5; index++) {
  const session = new HttpSession(cluster.url, { "x-forwarded-for": `198.51.100.${index}` });
  await session.signIn(ADMIN, DEMO_PASSWORD, (email) => waitForCode(() => catcher.mails(), email, seen));
  sessions.push(session);
}
const ght = await database.db.structure.findFirstOrThrow({ where: { mssDomain: "ght31.mssante.fr" } });
const structures = await database.db.structure.findMany({
  where: { OR: [{ id: ght.id }, { parentId: ght.id }] },
  select: { id: true },
});

type Outcome = {
  kind: "read" | "write";
  status: number | "network";
  ms: number;
  at: number;
  email?: string;
  servedBy?: string | null;
};
const outcomes: Outcome[] = [];
const prefix = `charge.${Date.now()}`;
let sequence = 0;
let killedAt = Number.NaN;
const peakRss = new Map<string, number>();
const sampleRss = setInterval(() => {
  for (const instance of cluster.instances) {
    try {
      const status = readFileSync(`/proc/${instance.process.pid}/status`, "utf8");
      const kib = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
      peakRss.set(instance.name, Math.max(peakRss.get(instance.name) ?? 0, kib / 1024));
    } catch {
      // the killed instance
    }
  }
}, 200);

async function one(at: number) {
  const session = sessions[sequence % sessions.length] as HttpSession;
  const structure = structures[sequence % structures.length] as { id: string };
  const write = Math.random() < WRITE_SHARE;
  const email = write ? `${prefix}.${sequence}@exemple.fr` : undefined;
  sequence++;
  const started = performance.now();
  try {
    const answer = write
      ? await session.request("POST", `/api/structures/${structure.id}/accounts`, {
          type: "MED",
          email,
          lastName: `Charge${sequence}`,
          firstName: "Banc",
          profession: "10",
          regionCode: "76",
          phone: "",
          addressLine: "",
          postcode: "",
          city: "",
          unlisted: false,
          notifyOnReception: true,
          notifyDailyDigest: false,
          notifyOnOpening: false,
          dematerialisation: false,
        })
      : await session.request("GET", `/api/structures/${structure.id}/accounts?tab=valid`);
    outcomes.push({
      kind: write ? "write" : "read",
      status: answer.status,
      ms: performance.now() - started,
      at,
      email,
      servedBy: answer.headers.get("x-served-by"),
    });
  } catch {
    outcomes.push({ kind: write ? "write" : "read", status: "network", ms: performance.now() - started, at, email });
  }
}

const loadStart = performance.now();
const inFlight: Promise<void>[] = [];
for (let i = 0; i < RATE * SECONDS; i++) {
  const due = loadStart + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  if (Number.isNaN(killedAt) && i >= (RATE * SECONDS) / 2) {
    killedAt = performance.now() - loadStart;
    cluster.kill("app2");
  }
  inFlight.push(one(performance.now() - loadStart));
}
await Promise.all(inFlight);
const loadSeconds = (performance.now() - loadStart) / 1000;
clearInterval(sampleRss);

const writes = outcomes.filter((outcome) => outcome.kind === "write");
const answered = writes.filter((outcome) => outcome.status === 201);
const stored = await database.db.account.findMany({
  where: { email: { startsWith: prefix } },
  select: { email: true },
});
const storedEmails = new Set(stored.map((account) => account.email));
const lost = answered.filter((outcome) => !storedEmails.has(outcome.email as string)).length;
const cronRuns = await database.db.jobRun.findMany({
  where: { trigger: "CRON", scheduledFor: { gte: startedAt } },
  select: { name: true, scheduledFor: true, status: true },
});
const occurrences = new Set(cronRuns.map((run) => `${run.name}@${run.scheduledFor.toISOString()}`));
const failures = outcomes.filter((outcome) => typeof outcome.status !== "number" || outcome.status >= 500);
const latencies = (list: Outcome[]) => list.map((outcome) => outcome.ms).sort((a, b) => a - b);
const beforeKill = latencies(outcomes.filter((outcome) => outcome.at < killedAt));
const afterKill = latencies(outcomes.filter((outcome) => outcome.at >= killedAt + 5000));

printFigures(`three instances behind HAProxy, ${database.kind}, ${apiOptionsText()}`, {
  "requests sent": outcomes.length,
  "achieved rate (req/s)": outcomes.length / loadSeconds,
  "signed-in browsers": sessions.length,
  "median before the kill (ms)": percentile(beforeKill, 50),
  "p99 before the kill (ms)": percentile(beforeKill, 99),
  "median 5 s after the kill onwards (ms)": percentile(afterKill, 50),
  "p99 5 s after the kill onwards (ms)": percentile(afterKill, 99),
  "failed requests (5xx or network)": failures.length,
  "failed statuses": [...new Set(failures.map((failure) => failure.status))].join(", ") || "none",
  "writes answered 201": answered.length,
  "write statuses": [...new Set(writes.map((outcome) => outcome.status))].join(", "),
  "writes lost (answered but not stored)": lost,
  "writes doubled": stored.length - storedEmails.size,
  "answers per instance": cluster.instances
    .map(({ name }) => `${name} ${outcomes.filter((outcome) => outcome.servedBy === name).length}`)
    .join(", "),
  "peak RSS per instance (MiB)": [...peakRss].map(([name, mib]) => `${name} ${mib.toFixed(0)}`).join(", "),
  "cron occurrences recorded / run rows": `${occurrences.size} / ${cronRuns.length}`,
});

await cluster.stop();
await catcher.close();
await database.db.$disconnect();
await database.drop();
