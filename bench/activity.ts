// "Activité structure" at regional scale: 1,000 structures (a root, 30 groups, 969 sites) and 10,000,000 messages
// over a year (weekdays, working hours in Paris; site sizes skewed, a few automated senders — lab results,
// appointment reminders — sending a large share). Measures, with the API in a child process started as `pnpm start`
// starts it (so that the load generator does not share its event loop or its figures):
// - the section's opening search (no criteria: the 300 latest and the 30-day chart) and a filtered search (one
//   mailbox or correspondent, a 30-day period) by 20 clients without pause, each on a random site (a third of the
//   time a group with its daughters). Target: p99 ≤ 200 ms;
// - an export of about 1,000,000 rows (XLSX, then CSV) by the export job, run in a child process so that its peak
//   RSS is its own. Targets: ≤ 2 min, peak RSS ≤ 256 MB.
// Data is generated in SQL (INSERT … SELECT generate_series; the secondary indexes are built after the load), in a
// scratch database created and dropped on BENCH_DATABASE_URL's server: BENCH_DATABASE_URL=… pnpm bench activity.ts
// (not in the default run). BENCH_MESSAGES (default 10,000,000), BENCH_SECONDS (default 20) and BENCH_THINK_MS (a
// client's pause between searches, default 0) change the load;
// BENCH_KEEP_DATABASE=1 keeps the database for EXPLAIN (its address is printed), and BENCH_REUSE_DATABASE=<that
// address> runs the measures again on it without generating the data again.
import { fork, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { buildApp } from "@medimail/api/app";
import { createActivityExportJob } from "@medimail/api/modules/activity/activity.jobs";
import { createDb } from "@medimail/db/client";
import pino from "pino";
import { apiProcess } from "./lib/api-process.ts";
import { createConsoleAccounts } from "./lib/console-accounts.ts";
import { openBenchDatabase } from "./lib/database.ts";
import { percentile, printFigures } from "./lib/report.ts";
import { signedInHeaders } from "./lib/session.ts";

// --- child mode: run the export job once and report its time and peak RSS --------------------------------------
if (process.argv[2] === "--export-child") {
  const [, , , url, dir] = process.argv as [string, string, string, string, string];
  const db = createDb({ connectionString: url, max: 2 });
  const started = performance.now();
  const result = await createActivityExportJob({ exportsDir: dir, retentionHours: 1 })({
    db,
    clock: { now: () => new Date() },
    batchSize: 200,
    log: pino({ level: "silent" }),
    runId: crypto.randomUUID(),
  });
  const ms = performance.now() - started;
  await db.$disconnect();
  console.log(JSON.stringify({ ms, result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

// --- child mode: the API, reporting its own time per request and its peak RSS ----------------------------------
if (process.argv[2] === "--server") {
  const [, , , url, dir] = process.argv as [string, string, string, string, string];
  const db = createDb({ connectionString: url });
  const app = await buildApp({ db, exportsDir: dir });
  let serverTimes: number[] = [];
  // what the slow requests were, and how long V8's collections paused the process: the tail's suspects
  let slow: string[] = [];
  let gcPauses: number[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push(entry.duration);
  }).observe({ entryTypes: ["gc"] });
  app.addHook("onResponse", async (request, reply) => {
    serverTimes.push(reply.elapsedTime);
    if (reply.elapsedTime > 200) slow.push(`${reply.elapsedTime.toFixed(0)} ms ${request.url}`);
  });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  process.send?.({ address });
  process.on("message", async (message: string) => {
    if (message === "times") {
      process.send?.({ serverTimes, peakRssMb: process.resourceUsage().maxRSS / 1024, slow, gcPauses });
      serverTimes = [];
      slow = [];
      gcPauses = [];
    }
    if (message === "stop") {
      await app.close();
      await db.$disconnect();
      process.exit(0);
    }
  });
} else {
  await main();
}

async function main() {
  const STRUCTURES = 1_000;
  const GROUPS = 30;
  const SITES = STRUCTURES - GROUPS - 1;
  const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000_000);
  const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
  const CLIENTS = 20;
  /** a client's pause between two searches (ms, ± 50 %); 0 = none, every client sends its next search at once */
  const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 0);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const ROOT = "00000000-0000-4000-8000-000000000000";
  const group = (g: number) => `00000000-0000-4000-8001-${String(g).padStart(12, "0")}`;
  const site = (s: number) => `00000000-0000-4000-8002-${String(s).padStart(12, "0")}`;
  const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });
  const dayBefore = (days: number) => parisDay.format(new Date(Date.now() - days * 86_400_000));

  if (!process.env.BENCH_DATABASE_URL) {
    console.error("activity.ts needs a PostgreSQL server: BENCH_DATABASE_URL=postgresql://… pnpm bench activity.ts");
    process.exit(1);
  }
  const reused = process.env.BENCH_REUSE_DATABASE;
  const database = reused
    ? { url: reused, db: createDb({ connectionString: reused }), drop: async () => undefined }
    : await openBenchDatabase();
  const { db } = database;
  const exportsDir = await mkdtemp(path.join(os.tmpdir(), "bench-activity-"));
  let server: ReturnType<typeof fork> | undefined;
  try {
    if (!reused) await loadMessages();
    async function loadMessages() {
      const loadStarted = performance.now();
      await db.$executeRaw`INSERT INTO structure (id, name, parent_id, updated_at) SELECT ${ROOT}::uuid, 'GRADeS', NULL, now()`;
      await db.$executeRaw`
  INSERT INTO structure (id, name, parent_id, updated_at)
  SELECT ('00000000-0000-4000-8001-' || lpad(g::text, 12, '0'))::uuid, 'Groupement ' || g, ${ROOT}::uuid, now()
    FROM generate_series(1, ${GROUPS}) g`;
      await db.$executeRaw`
  INSERT INTO structure (id, name, parent_id, updated_at)
  SELECT ('00000000-0000-4000-8002-' || lpad(s::text, 12, '0'))::uuid, 'Établissement ' || s,
         ('00000000-0000-4000-8001-' || lpad((1 + s % ${GROUPS})::text, 12, '0'))::uuid, now()
    FROM generate_series(1, ${SITES}) s`;

      // Messages: a site drawn with a skew (site 1 about 30 times as busy as the last); a weekday of the last 52 weeks;
      // a time between 07:30 and 19:00 in Paris, denser mid-morning and early afternoon; 40 mailboxes per site, plus
      // one automated sender in each of the 20 busiest sites that sends 15 % of the region's mail; the other party is
      // another site's mailbox or one of 3,000 outside professionals. Indexes are dropped and built after the load.
      const indexes = await db.$queryRaw<{ name: string; definition: string }[]>`
  SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
   WHERE i.schemaname = current_schema() AND i.tablename = 'message'
     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`;
      const monday = new Date(Date.now() - 364 * 86_400_000);
      monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
      const firstMonday = monday.toISOString().slice(0, 10);
      await db.$transaction(
        async (tx) => {
          for (const index of indexes) await tx.$executeRawUnsafe(`DROP INDEX "${index.name}"`);
          await tx.$executeRaw`SET LOCAL maintenance_work_mem = '512MB'`;
          await tx.$executeRaw`SELECT setseed(0.2026)`;
          await tx.$executeRaw`
      INSERT INTO message (sent_at, structure_id, address, direction, sender, recipients, size_bytes, is_mss)
      SELECT sent_at, ('00000000-0000-4000-8002-' || lpad(s::text, 12, '0'))::uuid, own, direction,
             CASE WHEN direction = 'SENT' THEN own ELSE other END,
             CASE WHEN direction = 'SENT' THEN ARRAY[other] ELSE ARRAY[own] END,
             size_bytes, other LIKE '%.mssante.fr'
      FROM (
        SELECT abs(r.ss) AS s,
               ((${firstMonday}::date + (r.wd / 5) * 7 + r.wd % 5)::timestamp
                 + interval '7 hours 30 minutes' + (r.h * 690) * interval '1 minute') AT TIME ZONE 'Europe/Paris' AS sent_at,
               CASE WHEN r.ss < 0 THEN 'noreply-resultats@site' || abs(r.ss) || '.mssante.fr'
                    ELSE 'bal' || r.box || '@site' || r.ss || '.mssante.fr' END AS own,
               (CASE WHEN r.ss < 0 OR r.dir < 0.5 THEN 'SENT' ELSE 'RECEIVED' END)::"MessageDirection" AS direction,
               CASE WHEN r.out < 0.5 THEN 'dr' || r.who || '@medecin.mssante.fr'
                    ELSE 'bal' || (r.who % 40) || '@site' || (1 + r.who % ${SITES}) || '.mssante.fr' END AS other,
               (2000 + power(r.sz, 4) * 8000000)::int AS size_bytes
        FROM (
          -- ss < 0: an automated sender of one of the 20 busiest sites (15 % of the mail)
          SELECT CASE WHEN random() < 0.15 THEN -(1 + floor(random() * 20)::int)
                      ELSE 1 + floor(${SITES} * power(random(), 2))::int END AS ss,
                 floor(random() * 260)::int AS wd,
                 -- two bumps (10:00, 14:30) over the working day
                 CASE WHEN random() < 0.5 THEN least(0.999, greatest(0, 0.22 + (random() + random() - 1) * 0.2))
                      ELSE least(0.999, greatest(0, 0.61 + (random() + random() - 1) * 0.25)) END AS h,
                 random() AS dir, random() AS out, random() AS sz,
                 floor(random() * 40)::int AS box, floor(random() * 3000)::int AS who
          FROM generate_series(1, ${MESSAGES})
        ) r
      ) m`;
        },
        { timeout: 3_600_000 },
      );
      const loadedMs = performance.now() - loadStarted;
      const indexStarted = performance.now();
      await db.$executeRawUnsafe(`SET maintenance_work_mem = '512MB'`);
      for (const index of indexes) await db.$executeRawUnsafe(index.definition);
      // what autovacuum does to an insert-only table after a while (PostgreSQL ≥ 13): statistics and the visibility
      // map, without which the chart's index-only scans would still visit the heap
      await db.$executeRaw`VACUUM ANALYZE message`;
      const indexMs = performance.now() - indexStarted;
      const [size] = await db.$queryRaw<{ table: string; indexes: string }[]>`
    SELECT pg_size_pretty(pg_table_size('message')) AS table, pg_size_pretty(pg_indexes_size('message')) AS indexes`;
      printFigures("Data", {
        messages: MESSAGES,
        "load (s)": loadedMs / 1000,
        "index build (s)": indexMs / 1000,
        "table size": size?.table ?? "",
        "index size": size?.indexes ?? "",
      });
      await createConsoleAccounts(db, ROOT);
    }

    // ---------------------------------------------------------------------------------------------------------------
    const operator = "operateur.bench@exemple.fr";
    const headers = await signedInHeaders(db, operator);
    // the API as it is deployed (apps/api's `serve` script)
    server = fork(import.meta.filename, ["--server", database.url, exportsDir], {
      execArgv: apiProcess().nodeOptions,
      env: { ...process.env, ...apiProcess().env, LOG_LEVEL: "silent" },
      stdio: "inherit",
    });
    const [{ address }] = (await once(server, "message")) as [{ address: string }];
    const serverFigures = async () => {
      server?.send("times");
      return (
        (await once(server as NonNullable<typeof server>, "message")) as [
          { serverTimes: number[]; peakRssMb: number; slow: string[]; gcPauses: number[] },
        ]
      )[0];
    };
    const call = async (pathAndQuery: string) => {
      const started = performance.now();
      const response = await fetch(`${address}${pathAndQuery}`, { headers });
      const body = await response.text();
      if (!response.ok) throw new Error(`${pathAndQuery}: ${response.status} ${body.slice(0, 200)}`);
      return performance.now() - started;
    };
    const randomTarget = () => {
      if (Math.random() < 1 / 3) return { id: group(1 + Math.floor(Math.random() * GROUPS)), daughters: true };
      // sites drawn with the data's own skew: busy sites are opened more often
      return { id: site(1 + Math.floor(SITES * Math.random() ** 2)), daughters: false };
    };
    const searches = {
      "opening (no criteria)": () => {
        const target = randomTarget();
        return `/api/structures/${target.id}/activity${target.daughters ? "?daughters=true" : ""}`;
      },
      "address + 30 days": () => {
        const target = randomTarget();
        const siteNumber = target.daughters
          ? 1 + Math.floor(Math.random() * 30) * GROUPS
          : Number(target.id.slice(-12));
        const who =
          Math.random() < 0.5
            ? `bal${Math.floor(Math.random() * 40)}@site${siteNumber}.mssante.fr`
            : `dr${Math.floor(Math.random() * 3000)}@medecin.mssante.fr`;
        const query = new URLSearchParams({ address: who, from: dayBefore(30), to: dayBefore(0) });
        if (target.daughters) query.set("daughters", "true");
        return `/api/structures/${target.id}/activity?${query}`;
      },
    };
    for (const [name, next] of Object.entries(searches)) {
      // warm-up, then 20 clients without pause
      for (let i = 0; i < 20; i++) await call(next());
      await serverFigures();
      const times: number[] = [];
      const deadline = Date.now() + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          // with pauses, clients start at random moments of the first pause, as people do, rather than in one burst
          if (THINK_MS > 0) await sleep(THINK_MS * Math.random());
          while (Date.now() < deadline) {
            times.push(await call(next()));
            if (THINK_MS > 0) await sleep(THINK_MS * (0.5 + Math.random()));
          }
        }),
      );
      times.sort((a, b) => a - b);
      const { serverTimes, peakRssMb, slow, gcPauses } = await serverFigures();
      serverTimes.sort((a, b) => a - b);
      gcPauses.sort((a, b) => a - b);
      printFigures(`Search: ${name}, ${CLIENTS} clients`, {
        requests: times.length,
        "requests/s": times.length / SECONDS,
        "median (ms)": percentile(times, 50),
        "p99 (ms)": percentile(times, 99),
        "max (ms)": percentile(times, 100),
        "API's own time, median (ms)": percentile(serverTimes, 50),
        "API's own time, p99 (ms)": percentile(serverTimes, 99),
        "API peak RSS (MiB)": peakRssMb,
        "API's V8 collections: count / longest pause (ms)": `${gcPauses.length} / ${(gcPauses.at(-1) ?? 0).toFixed(0)}`,
        "API's requests over 200 ms": slow.length,
      });
      if (process.env.BENCH_VERBOSE) for (const line of slow) console.log(`  slow: ${line}`);
    }
    server.send("stop");
    await once(server, "exit");
    server = undefined;

    // ---------------------------------------------------------------------------------------------------------------
    // Exports of about 1,000,000 rows: the region with its daughters over the period that holds that many.
    const [cut] = await db.$queryRaw<{ since: Date; rows: number }[]>`
    SELECT sent_at AS since, 1000000 AS rows FROM message ORDER BY sent_at DESC OFFSET 999999 LIMIT 1`;
    const since = cut?.since ?? new Date(0);
    const until = new Date();
    const expectedRows = await db.message.count({ where: { sentAt: { gte: since, lt: until } } });
    const admin = await db.account.findFirstOrThrow({ where: { email: operator } });
    for (const format of ["XLSX", "CSV"] as const) {
      const request = await db.exportRequest.create({
        data: {
          kind: "ACTIVITY",
          format,
          structureId: ROOT,
          requestedById: admin.id,
          params: { criteria: { daughters: true }, since: since.toISOString(), until: until.toISOString() },
        },
      });
      // a capped V8 heap, as for a worker process (see bench/RESULTS.md): left uncapped, V8 lets its heap grow to
      // hundreds of MB before collecting, although the export itself holds one batch
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          `--max-old-space-size=${process.env.BENCH_EXPORT_HEAP_MB ?? 96}`,
          "--max-semi-space-size=4",
          import.meta.filename,
          "--export-child",
          database.url,
          exportsDir,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      await new Promise((resolve) => child.on("exit", resolve));
      const report = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as { ms: number; maxRssMb: number };
      const done = await db.exportRequest.findUniqueOrThrow({ where: { id: request.id } });
      const file = await stat(path.join(exportsDir, done.filePath ?? "missing"));
      printFigures(`Export ${format}, region with daughters (1,000 structures)`, {
        status: done.status,
        rows: done.rowCount ?? 0,
        "expected rows": expectedRows,
        "time (s)": report.ms / 1000,
        "rows/s": (done.rowCount ?? 0) / (report.ms / 1000),
        "peak RSS of the job's process (MiB)": report.maxRssMb,
        "file (MiB)": file.size / 1024 / 1024,
      });
    }
  } finally {
    server?.kill();
    await rm(exportsDir, { recursive: true, force: true });
    if (process.env.BENCH_KEEP_DATABASE) console.log(`database kept: ${database.url}`);
    else await database.drop();
    await db.$disconnect().catch(() => undefined);
  }
}
