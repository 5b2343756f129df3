// GET /api/structures at regional scale: 1,000 structures (a root, 30 groups, their sites) and 1,000,000
// accounts, as the platform operator (every structure) and as a group's administrator. Target: p99 < 100 ms.
// Data is generated in SQL (generate_series); run it on a PostgreSQL server: BENCH_DATABASE_URL=… pnpm bench picker-scale.ts
import { buildApp } from "@medimail/api/app";
import { createConsoleAccounts } from "./lib/console-accounts.ts";
import { openBenchDatabase } from "./lib/database.ts";
import { percentile, printFigures, trackPeakRss } from "./lib/report.ts";
import { signedInHeaders } from "./lib/session.ts";

const STRUCTURES = 1_000;
const GROUPS = 30;
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1_000_000);

const database = await openBenchDatabase();
const { db } = database;
const started = performance.now();
await db.$executeRaw`
  INSERT INTO structure (id, name, parent_id, updated_at)
  SELECT '00000000-0000-4000-8000-000000000000'::uuid, 'GRADeS', NULL, now()`;
await db.$executeRaw`
  INSERT INTO structure (id, name, parent_id, updated_at)
  SELECT ('00000000-0000-4000-8001-' || lpad(g::text, 12, '0'))::uuid, 'Groupement ' || g,
         '00000000-0000-4000-8000-000000000000'::uuid, now()
    FROM generate_series(1, ${GROUPS}) g`;
await db.$executeRaw`
  INSERT INTO structure (id, name, parent_id, updated_at)
  SELECT ('00000000-0000-4000-8002-' || lpad(s::text, 12, '0'))::uuid, 'Établissement ' || s,
         ('00000000-0000-4000-8001-' || lpad((1 + s % ${GROUPS})::text, 12, '0'))::uuid, now()
    FROM generate_series(1, ${STRUCTURES - GROUPS - 1}) s`;
await db.$executeRaw`
  INSERT INTO account (id, structure_id, type, state, email, last_name, first_name, search_text, sort_name, updated_at)
  SELECT gen_random_uuid(),
         ('00000000-0000-4000-8002-' || lpad((1 + i % ${STRUCTURES - GROUPS - 1})::text, 12, '0'))::uuid,
         (ARRAY['MED','PER','INT','ORG','APP']::"AccountType"[])[1 + i % 5],
         (ARRAY['VALIDATED','VALIDATED','VALIDATED','PENDING_VALIDATION','PREREGISTERED']::"AccountState"[])[1 + i % 5],
         'utilisateur.' || i || '@exemple.fr', 'Nom' || i, 'Prénom' || i,
         -- as accountSearchText / accountSortName would write them
         'utilisateur.' || i || '@exemple.fr nom' || i || ' prenom' || i, 'nom' || i || ' prenom' || i, now()
    FROM generate_series(1, ${ACCOUNTS}) i`;
await db.$executeRawUnsafe("ANALYZE");
const loadSeconds = (performance.now() - started) / 1000;

const { operator, groupAdmin } = await createConsoleAccounts(db, "00000000-0000-4000-8001-000000000001");
const app = await buildApp({ db });
const address = await app.listen({ port: 0, host: "127.0.0.1" });
const rss = trackPeakRss();

async function measure(headers: Record<string, string>, runs: number) {
  for (let i = 0; i < 10; i++) await fetch(`${address}/api/structures`, { headers }).then((r) => r.arrayBuffer());
  const samples: number[] = [];
  let items = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const response = await fetch(`${address}/api/structures`, { headers });
    const body = (await response.json()) as { items: unknown[] };
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    samples.push(performance.now() - start);
    items = body.items.length;
  }
  samples.sort((a, b) => a - b);
  return { samples, items };
}

const asOperator = await measure(await signedInHeaders(db, operator), 200);
const asAdmin = await measure(await signedInHeaders(db, groupAdmin), 200);
printFigures(
  `GET /api/structures — ${STRUCTURES} structures, ${ACCOUNTS.toLocaleString("en")} accounts, ${database.kind}`,
  {
    "data generation (s)": loadSeconds,
    "operator: structures answered": asOperator.items,
    "operator: median (ms)": percentile(asOperator.samples, 50),
    "operator: p99 (ms)": percentile(asOperator.samples, 99),
    "group administrator: structures answered": asAdmin.items,
    "group administrator: median (ms)": percentile(asAdmin.samples, 50),
    "group administrator: p99 (ms)": percentile(asAdmin.samples, 99),
    "peak RSS (MiB)": rss.stop(),
  },
);

await app.close();
await db.$disconnect();
await database.drop();
