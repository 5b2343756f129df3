// GET /api/structures on the demo data: latency (target: median < 20 ms) under sequential and concurrent load.
import { buildApp } from "@medimail/api/app";
import { seedDemo } from "@medimail/db/seed/demo";
import autocannon from "autocannon";
import { openBenchDatabase } from "./lib/database.ts";
import { percentile, printFigures, trackPeakRss } from "./lib/report.ts";
import { signedInHeaders } from "./lib/session.ts";

const database = await openBenchDatabase();
await seedDemo(database.db);
const app = await buildApp({ db: database.db });
const address = await app.listen({ port: 0, host: "127.0.0.1" });
const rss = trackPeakRss();
// the operator sees every structure: the largest answer
const headers = await signedInHeaders(database.db, "operateur@esante-occitanie.fr");

// warm-up, then one request at a time: the latency a person sees
for (let i = 0; i < 50; i++) await fetch(`${address}/api/structures`, { headers }).then((r) => r.arrayBuffer());
const samples: number[] = [];
for (let i = 0; i < 500; i++) {
  const start = performance.now();
  const response = await fetch(`${address}/api/structures`, { headers });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  samples.push(performance.now() - start);
}
samples.sort((a, b) => a - b);

// 10 concurrent clients for 10 s: throughput and tail latency
const load = await autocannon({ url: `${address}/api/structures`, connections: 10, duration: 10, headers });

printFigures(`GET /api/structures — demo data (7 structures, 201 accounts), ${database.kind}`, {
  "sequential requests": samples.length,
  "sequential median (ms)": percentile(samples, 50),
  "sequential p99 (ms)": percentile(samples, 99),
  "10 connections: requests/s (mean)": load.requests.average,
  "10 connections: median (ms)": load.latency.p50,
  "10 connections: p99 (ms)": load.latency.p99,
  "10 connections: errors + non-2xx": load.errors + load.non2xx,
  "peak RSS (MiB, API + database in one process)": rss.stop(),
});

await app.close();
await database.db.$disconnect();
await database.drop();
