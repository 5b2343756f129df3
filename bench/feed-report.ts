// The feed report ("rapport d'alimentation", issue 8) at regional scale: a structure tree (a root, 20 groups, 200
// sites) of BENCH_ACCOUNTS (default 100,000) accounts that all have an MSSanté address, and a national referential
// of comparable size (the professionals of those accounts plus as many others, their practice places, the sites'
// FINESS plus 50,000 other structures), with the usual mix of errors (PER without RPPS, unknown RPPS, students,
// superseded numbers, other names, other practice places, unknown FINESS). Measures, with the API in this process:
// - the report of the whole tree (`?daughters=true`): ≤ 5 s (median of 3);
// - the PDF of a structure whose report has 10,000 rows, read over HTTP from the API running alone in a child
//   process: ≤ 10 s, with that process's peak RSS (VmHWM: start-up, modules, pool, then the PDF) ≤ 256 MB;
// - the XLSX of the whole tree, for the record.
// Data is generated in SQL (generate_series). BENCH_DATABASE_URL: a scratch database on that PostgreSQL server
// (otherwise the embedded PGlite, slower). pnpm bench feed-report.ts (not in the default run); BENCH_KEEP_DATABASE=1
// keeps the database for a look at the plans.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { buildApp } from "@medimail/api/app";
import type { FeedReport } from "@medimail/contracts/feed-report";
import { createConsoleAccounts } from "./lib/console-accounts.ts";
import { openBenchDatabase } from "./lib/database.ts";
import { printFigures, trackPeakRss } from "./lib/report.ts";
import { signedInHeaders } from "./lib/session.ts";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const PDF_ROWS = 10_000;
const GROUPS = 20;
const SITES = 200;
const ROOT = "00000000-0000-4000-8000-000000000000";
const PDF_STRUCTURE = "00000000-0000-4000-8000-000000000001";

const database = await openBenchDatabase();
const db = database.db;
let app: Awaited<ReturnType<typeof buildApp>> | undefined;
try {
  const started = performance.now();
  await db.$executeRaw`
  INSERT INTO structure (id, name, parent_id, identifier_type, identifier, updated_at)
  VALUES (${ROOT}::uuid, 'GRADeS', NULL, 'SIRET', '13001793500011', now()),
         (${PDF_STRUCTURE}::uuid, 'Établissement à 10 000 erreurs', NULL, 'FINESS', '310000001', now())`;
  await db.$executeRaw`
  INSERT INTO structure (id, name, parent_id, identifier_type, identifier, updated_at)
  SELECT ('00000000-0000-4000-8001-' || lpad(g::text, 12, '0'))::uuid, 'Groupement ' || g, ${ROOT}::uuid,
         'FINESS'::"StructureIdentifierType", lpad((320000000 + g)::text, 9, '0'), now()
    FROM generate_series(1, ${GROUPS}) g`;
  // sites: FINESS 33000xxxx; one in 50 is unknown to the referential (MSS015)
  await db.$executeRaw`
  INSERT INTO structure (id, name, parent_id, identifier_type, identifier, updated_at)
  SELECT ('00000000-0000-4000-8002-' || lpad(s::text, 12, '0'))::uuid, 'Établissement ' || s,
         ('00000000-0000-4000-8001-' || lpad((1 + s % ${GROUPS})::text, 12, '0'))::uuid,
         'FINESS'::"StructureIdentifierType", (330000000 + s)::text, now()
    FROM generate_series(1, ${SITES}) s`;

  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT setseed(0.2611)`;
      // types: PER 70 %, INT 15 %, ORG 10 %, APP 5 %; PER: RPPS '10' + number, one in 20 an ADELI, one in 100 none
      await tx.$executeRaw`
      INSERT INTO account (id, structure_id, type, state, email, last_name, first_name, rpps, adeli, finess_site,
                           responsible_last_name, responsible_first_name, description, sort_name, updated_at)
      SELECT gen_random_uuid(), ('00000000-0000-4000-8002-' || lpad((1 + i % ${SITES})::text, 12, '0'))::uuid,
             t.type, 'VALIDATED', 'compte' || i || '@exemple.fr', 'Nom' || (i % 5000), 'Prénom' || (i % 300),
             CASE WHEN t.type = 'PER' AND i % 20 <> 0 AND i % 100 <> 1 THEN '10' || lpad(i::text, 9, '0') END,
             CASE WHEN t.type = 'PER' AND i % 20 = 0 THEN lpad((310000000 + i)::text, 9, '0') END,
             CASE WHEN t.type IN ('INT', 'ORG', 'APP') AND i % 7 <> 0 THEN (330000000 + 1 + i % ${SITES})::text END,
             CASE WHEN t.type IN ('ORG', 'APP') AND i % 40 <> 3 THEN 'Durand' END,
             CASE WHEN t.type IN ('ORG', 'APP') THEN 'Paul' END,
             CASE WHEN t.type IN ('ORG', 'APP') AND i % 30 <> 4 THEN 'Secrétariat' END,
             'nom' || (i % 5000) || ' prenom' || (i % 300), now()
        FROM (SELECT i, random() AS r FROM generate_series(1, ${ACCOUNTS}) i) g,
             LATERAL (SELECT (CASE WHEN g.r < 0.70 THEN 'PER' WHEN g.r < 0.85 THEN 'INT'
                                   WHEN g.r < 0.95 THEN 'ORG' ELSE 'APP' END)::"AccountType" AS type) t`;
      // the 10,000-row PDF: PER without RPPS (MSS007) in a structure of their own
      await tx.$executeRaw`
      INSERT INTO account (id, structure_id, type, state, email, last_name, first_name, sort_name, updated_at)
      SELECT gen_random_uuid(), ${PDF_STRUCTURE}::uuid, 'PER', 'VALIDATED', 'sans.rpps' || i || '@exemple.fr',
             'Sans-RPPS-' || lpad(i::text, 5, '0'), 'Prénom', 'sans-rpps-' || lpad(i::text, 5, '0') || ' prenom', now()
        FROM generate_series(1, ${PDF_ROWS}) i`;
      await tx.$executeRaw`
      INSERT INTO mss_address (id, account_id, address, publication_status, updated_at)
      SELECT gen_random_uuid(), id, split_part(email, '@', 1) || '@region.mssante.fr', 'PUBLISHED', now() FROM account`;

      // the referential: the sites (but one in 50) and 50,000 other structures
      await tx.$executeRaw`
      INSERT INTO ref_structure (identifier, identifier_type, name, siret)
      SELECT (330000000 + s)::text, 'FINESS'::"StructureIdentifierType", 'ETABLISSEMENT ' || s, lpad((26000000000000 + s)::text, 14, '0')
        FROM generate_series(1, ${SITES}) s WHERE s % 50 <> 0
      UNION ALL
      SELECT (340000000 + s)::text, 'FINESS', 'AUTRE ' || s, lpad((27000000000000 + s)::text, 14, '0')
        FROM generate_series(1, 50000) s
      UNION ALL SELECT '310000001', 'FINESS', 'ETABLISSEMENT PDF', NULL`;
      // the accounts' professionals (one RPPS in 50 unknown, one in 100 a student, one in 100 superseded, one name
      // in 50 different), then as many others
      await tx.$executeRaw`
      INSERT INTO ref_professional (national_id, id_type, rpps, adeli, last_name, first_name, category_code, is_current)
      SELECT CASE WHEN a.rpps IS NOT NULL THEN '8' || a.rpps ELSE '0' || a.adeli END,
             CASE WHEN a.rpps IS NOT NULL THEN '8' ELSE '0' END, a.rpps, a.adeli, upper(a.last_name),
             CASE WHEN n % 50 = 7 THEN 'Autre' ELSE a.first_name END,
             CASE WHEN n % 100 = 11 THEN 'E' ELSE 'C' END, n % 100 <> 13
        FROM (SELECT a.*, row_number() OVER (ORDER BY a.email) AS n FROM account a
               WHERE a.type = 'PER' AND (a.rpps IS NOT NULL OR a.adeli IS NOT NULL)) a
       WHERE n % 50 <> 17`;
      await tx.$executeRaw`
      INSERT INTO ref_professional (national_id, id_type, rpps, last_name, first_name, category_code)
      SELECT '8' || r, '8', r, 'AUTRE' || i, 'Personne', 'C'
        FROM generate_series(1, ${ACCOUNTS}) i, LATERAL (SELECT '20' || lpad(i::text, 9, '0') AS r) x`;
      // practice places: each professional at the site of the account (one in 40 elsewhere), and a second place
      await tx.$executeRaw`
      INSERT INTO ref_practice_place (id, national_id, structure_identifier, finess_site)
      SELECT gen_random_uuid(), p.national_id, f.finess, f.finess
        FROM (SELECT CASE WHEN a.rpps IS NOT NULL THEN '8' || a.rpps ELSE '0' || a.adeli END AS national_id,
                     s.identifier
                FROM account a JOIN structure s ON s.id = a.structure_id
               WHERE a.type = 'PER' AND (a.rpps IS NOT NULL OR a.adeli IS NOT NULL)) x
        JOIN ref_professional p ON p.national_id = x.national_id,
        LATERAL (SELECT CASE WHEN hashtext(p.national_id) % 40 = 0
                             THEN (340000000 + 1 + abs(hashtext(p.national_id)) % 50000)::text
                             ELSE x.identifier END AS finess) f
      UNION ALL
      SELECT gen_random_uuid(), p.national_id, (340000000 + 1 + abs(hashtext(p.national_id || 'b')) % 50000)::text,
             (340000000 + 1 + abs(hashtext(p.national_id || 'b')) % 50000)::text
        FROM ref_professional p
      ON CONFLICT DO NOTHING`;
    },
    { timeout: 60 * 60_000 },
  );
  await db.$executeRawUnsafe("ANALYZE");
  const loadSeconds = (performance.now() - started) / 1000;
  const [sizes] = await db.$queryRaw<{ accounts: number; professionals: number; places: number; structures: number }[]>`
  SELECT (SELECT count(*) FROM account a JOIN mss_address m ON m.account_id = a.id
           WHERE a.structure_id <> ${PDF_STRUCTURE}::uuid)::int AS accounts,
         (SELECT count(*) FROM ref_professional)::int AS professionals,
         (SELECT count(*) FROM ref_practice_place)::int AS places,
         (SELECT count(*) FROM ref_structure)::int AS structures`;

  const { operator } = await createConsoleAccounts(db, ROOT);
  const headers = await signedInHeaders(db, operator);
  app = await buildApp({ db });
  await app.ready();

  // the exports, read over HTTP as a browser would (streamed, nothing kept); the PDF first, in a process that
  // has only loaded the data (the RSS a process keeps after other work is not the PDF's)
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  async function download(path: string) {
    const rss = trackPeakRss();
    const t0 = performance.now();
    const response = await fetch(`${address}${path}`, { headers });
    if (!response.ok || !response.body) throw new Error(`${path}: ${response.status}`);
    let bytes = 0;
    let head = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (bytes === 0) head = Buffer.from(chunk).subarray(0, 5).toString();
      bytes += chunk.byteLength;
    }
    return { seconds: (performance.now() - t0) / 1000, peakRss: rss.stop(), bytes, head };
  }
  // the PDF, served by the API alone in a process of its own (feed-report-server.ts): its peak RSS (VmHWM, the
  // kernel's high-water mark: start-up, modules, database pool, then the PDF) is what an API instance needs
  // BENCH_PDF_HEAP_MB caps its V8 heap as for a production instance (default 128; 0: uncapped — V8 then lets its
  // heap grow well past what the PDF holds before collecting)
  const heapMb = Number(process.env.BENCH_PDF_HEAP_MB ?? 128);
  const heapFlags = heapMb > 0 ? [`--max-old-space-size=${heapMb}`, "--max-semi-space-size=4"] : [];
  const server = spawn(process.execPath, [...heapFlags, "feed-report-server.ts"], {
    cwd: import.meta.dirname,
    env: { ...process.env, BENCH_SERVER_DATABASE_URL: database.url },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let port = "";
  for await (const chunk of server.stdout) {
    port = String(chunk).match(/port=(\d+)/)?.[1] ?? "";
    if (port) break;
  }
  const highWaterMark = () =>
    Number(readFileSync(`/proc/${server.pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/)?.[1] ?? 0) / 1024;
  const rssBefore = highWaterMark();
  const t0 = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/api/structures/${PDF_STRUCTURE}/feed-report.pdf`, { headers });
  if (!response.ok || !response.body) throw new Error(`PDF: ${response.status}`);
  let pdfBytes = 0;
  let pdfHead = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (pdfBytes === 0) pdfHead = Buffer.from(chunk).subarray(0, 5).toString();
    pdfBytes += chunk.byteLength;
  }
  const pdf = { seconds: (performance.now() - t0) / 1000, peakRss: highWaterMark(), bytes: pdfBytes, head: pdfHead };
  server.kill("SIGTERM");
  await once(server, "exit");
  if (pdf.head !== "%PDF-") throw new Error("the PDF does not start with %PDF-");
  // the report of the whole tree
  const times: number[] = [];
  let report: FeedReport | undefined;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const response = await app.inject({ url: `/api/structures/${ROOT}/feed-report?daughters=true`, headers });
    times.push(performance.now() - t0);
    if (response.statusCode !== 200) throw new Error(`feed report: ${response.statusCode} ${response.body}`);
    report = response.json() as FeedReport;
  }
  times.sort((a, b) => a - b);

  // the structure's home (Accueil) of a site, which counts the site's report (about 500 addresses)
  const homeTimes: number[] = [];
  for (let run = 0; run < 20; run++) {
    const t0 = performance.now();
    const response = await app.inject({
      url: "/api/structures/00000000-0000-4000-8002-000000000001/overview",
      headers,
    });
    homeTimes.push(performance.now() - t0);
    if (response.statusCode !== 200) throw new Error(`overview: ${response.statusCode} ${response.body}`);
  }
  homeTimes.sort((a, b) => a - b);

  const rssAfterReports = process.memoryUsage.rss() / 1024 / 1024;
  const xlsx = await download(`/api/structures/${ROOT}/feed-report.xlsx?daughters=true`);

  printFigures("Feed report (issue 8)", {
    database: database.kind,
    "load (s)": loadSeconds,
    "addresses in the tree": sizes?.accounts ?? 0,
    "referential: professionals / places / structures": `${sizes?.professionals} / ${sizes?.places} / ${sizes?.structures}`,
    "report rows (blocking / warning)": `${report?.counts.BLOCKING} / ${report?.counts.WARNING}`,
    "report of the tree, median of 3 (ms)": times[1] ?? 0,
    "report of the tree, slowest (ms)": times[2] ?? 0,
    "PDF of 10,000 rows (s)": pdf.seconds,
    "PDF size (MB)": pdf.bytes / 1024 / 1024,
    "API process: V8 heap cap (MB)": heapMb > 0 ? heapMb : "none",
    "API process: peak RSS after start-up (MB)": rssBefore,
    "API process: peak RSS once the PDF served (MB)": pdf.peakRss,
    "Accueil of a site (500 addresses), median of 20 (ms)": homeTimes[10] ?? 0,
    "RSS after the three reports of the tree (MB)": rssAfterReports,
    "XLSX of the tree (s)": xlsx.seconds,
    "XLSX size (MB)": xlsx.bytes / 1024 / 1024,
    "peak RSS during the XLSX (MB)": xlsx.peakRss,
  });
  const failures: string[] = [];
  if ((times[1] ?? Number.POSITIVE_INFINITY) > 5000) failures.push("report of the tree > 5 s");
  if (pdf.seconds > 10) failures.push("PDF of 10,000 rows > 10 s");
  if (pdf.peakRss > 256) failures.push("peak RSS of the API serving the PDF > 256 MB");
  if (failures.length > 0) {
    console.error(`targets missed: ${failures.join("; ")}`);
    process.exitCode = 1;
  }
} finally {
  await app?.close();
  await db.$disconnect();
  if (process.env.BENCH_KEEP_DATABASE === "1") console.log(`database kept: ${database.url}`);
  else await database.drop();
}
