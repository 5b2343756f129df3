// The nightly publication to the national directory (issue 8) at regional scale: BENCH_CHANGES (default 100,000)
// changes waiting for the night, over 200 sites, with a national referential loaded (so that every feed-report rule
// runs): 70 % new correspondences (CREATE), 15 % published ones whose entry changed (UPDATE), 4 % address changes and
// 3 % type changes (DELETE + CREATE), 3 % put on liste rouge (DELETE), 5 % deleted correspondences (withdrawals), and
// among them about 1 % held back by a blocking error. Runs the job's handler with the shipped FHIR file publisher
// into a scratch folder. Target: ≤ 2 min, with the process's peak RSS. Then runs it again: nothing to send.
// BENCH_BATCH (default 1,000) is the handler's batch size (JOB_BATCH_SIZE of the deployment; its default is 200).
// Data is generated in SQL (generate_series). BENCH_DATABASE_URL: a scratch database on that PostgreSQL server
// (otherwise the embedded PGlite, slower). pnpm bench directory-publication.ts (not in the default run).
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDirectoryPublicationJob } from "@medimail/api/modules/directory/directory.jobs";
import { createFhirFilePublisher } from "@medimail/api/modules/directory/fhir-file-publisher";
import pino from "pino";
import { openBenchDatabase } from "./lib/database.ts";
import { printFigures, trackPeakRss } from "./lib/report.ts";

const CHANGES = Number(process.env.BENCH_CHANGES ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const SITES = 200;
const WITHDRAWALS = Math.round(CHANGES * 0.05);
const ADDRESSES = CHANGES - WITHDRAWALS;

const database = await openBenchDatabase();
const db = database.db;
const feedDir = await mkdtemp(path.join(os.tmpdir(), "medimail-bench-feed-"));
try {
  const started = performance.now();
  await db.$executeRaw`
  INSERT INTO structure (id, name, identifier_type, identifier, mss_domain, updated_at)
  SELECT ('00000000-0000-4000-8002-' || lpad(s::text, 12, '0'))::uuid, 'Établissement ' || s,
         'FINESS'::"StructureIdentifierType", (330000000 + s)::text, 'site' || s || '.mssante.fr', now()
    FROM generate_series(1, ${SITES}) s`;
  // i % 100: 0–69 new, 70–84 changed, 85–88 address changed, 89–91 type changed (PER → INT), 92–94 liste rouge;
  // one PER in 100 has an RPPS unknown to the referential and one ORG in 10 no description (held back)
  await db.$executeRaw`
  INSERT INTO account (id, structure_id, type, state, email, last_name, first_name, rpps, finess_site,
                       responsible_last_name, responsible_first_name, description, phone, sort_name, updated_at)
  SELECT ('00000000-0000-4000-8003-' || lpad(i::text, 12, '0'))::uuid,
         ('00000000-0000-4000-8002-' || lpad((1 + i % ${SITES})::text, 12, '0'))::uuid,
         t.type, 'VALIDATED', 'compte' || i || '@exemple.fr', 'Nom' || (i % 5000), 'Prénom' || (i % 300),
         CASE WHEN t.type = 'PER' THEN '10' || lpad(i::text, 9, '0') END,
         CASE WHEN t.type IN ('INT', 'ORG') THEN (330000000 + 1 + i % ${SITES})::text END,
         CASE WHEN t.type = 'ORG' THEN 'Durand' END, CASE WHEN t.type = 'ORG' THEN 'Paul' END,
         CASE WHEN t.type = 'ORG' AND i % 1000 <> 7 THEN 'Secrétariat ' || i END,
         CASE WHEN i % 100 BETWEEN 70 AND 84 THEN '05610' || lpad((i % 100000)::text, 5, '0') END,
         'nom' || (i % 5000) || ' prenom' || (i % 300), now()
    FROM generate_series(1, ${ADDRESSES}) i,
         LATERAL (SELECT (CASE WHEN i % 100 BETWEEN 89 AND 91 THEN 'INT' WHEN i % 10 = 3 THEN 'ORG' ELSE 'PER' END)
                         ::"AccountType" AS type) t`;
  await db.$executeRaw`
  INSERT INTO mss_address (id, account_id, address, listed, publication_status, published_address, published_type,
                           published_digest, published_at, updated_at)
  SELECT gen_random_uuid(), a.id, 'bal' || i || '@site' || (1 + i % ${SITES}) || '.mssante.fr', i % 100 NOT BETWEEN 92 AND 94,
         'PENDING',
         CASE WHEN i % 100 BETWEEN 70 AND 84 OR i % 100 BETWEEN 89 AND 94
              THEN 'bal' || i || '@site' || (1 + i % ${SITES}) || '.mssante.fr'
              WHEN i % 100 BETWEEN 85 AND 88 THEN 'ancienne' || i || '@site' || (1 + i % ${SITES}) || '.mssante.fr' END,
         CASE WHEN i % 100 BETWEEN 89 AND 91 THEN 'PER'::"AccountType" WHEN i % 100 BETWEEN 70 AND 94 THEN a.type END,
         CASE WHEN i % 100 BETWEEN 70 AND 94 THEN 'digest-of-yesterday' END,
         CASE WHEN i % 100 BETWEEN 70 AND 94 THEN now() - interval '1 day' END, now()
    FROM generate_series(1, ${ADDRESSES}) i
    JOIN account a ON a.id = ('00000000-0000-4000-8003-' || lpad(i::text, 12, '0'))::uuid`;
  await db.$executeRaw`
  INSERT INTO directory_withdrawal (id, address, account_id, type)
  SELECT gen_random_uuid(), 'supprimee' || i || '@site' || (1 + i % ${SITES}) || '.mssante.fr', gen_random_uuid(), 'PER'
    FROM generate_series(1, ${WITHDRAWALS}) i`;
  // the referential: the sites, the accounts' professionals (one in 100 missing) practising at their site
  await db.$executeRaw`
  INSERT INTO ref_structure (identifier, identifier_type, name)
  SELECT (330000000 + s)::text, 'FINESS'::"StructureIdentifierType", 'ETABLISSEMENT ' || s FROM generate_series(1, ${SITES}) s`;
  await db.$executeRaw`
  INSERT INTO ref_professional (national_id, id_type, rpps, last_name, first_name, is_current)
  SELECT '8' || rpps, '8', rpps, last_name, first_name, true FROM account
   WHERE rpps IS NOT NULL AND right(rpps, 2) <> '01'`;
  await db.$executeRaw`
  INSERT INTO ref_practice_place (id, national_id, structure_identifier, finess_site)
  SELECT gen_random_uuid(), '8' || a.rpps, s.identifier, s.identifier
    FROM account a JOIN structure s ON s.id = a.structure_id
   WHERE a.rpps IS NOT NULL AND right(a.rpps, 2) <> '01'`;
  await db.$executeRaw`ANALYZE`;
  const loadSeconds = (performance.now() - started) / 1000;

  const publisher = createFhirFilePublisher(feedDir);
  const publish = createDirectoryPublicationJob({ publisher });
  const context = {
    db,
    clock: { now: () => new Date() },
    batchSize: BATCH,
    log: pino({ level: "silent" }),
    runId: crypto.randomUUID(),
  };
  const rss = trackPeakRss();
  const runStarted = performance.now();
  const result = await publish(context);
  const seconds = (performance.now() - runStarted) / 1000;
  const peak = rss.stop();
  const again = performance.now();
  const second = await publish(context);
  const secondSeconds = (performance.now() - again) / 1000;

  const publication = await db.directoryPublication.findFirstOrThrow();
  const files = (await readdir(feedDir)).filter((name) => name.endsWith(".json")).length;
  printFigures(`Directory publication — ${CHANGES.toLocaleString("en")} changes (${database.kind})`, {
    "data generated (s)": loadSeconds,
    "batch size": BATCH,
    "publication (s)": seconds,
    "changes per second": CHANGES / seconds,
    "entries CREATE / UPDATE / DELETE": `${publication.created} / ${publication.updated} / ${publication.deleted}`,
    "held back": publication.held,
    "feed files": files,
    "peak RSS (MiB)": peak,
    "second run (s)": secondSeconds,
    "second run: entries sent": second.processed - publication.held,
    "target ≤ 120 s": seconds <= 120 ? "met" : "MISSED",
  });
  if (result.failed > 0 || second.processed !== publication.held) process.exitCode = 1;
} finally {
  await rm(feedDir, { recursive: true, force: true });
  await db.$disconnect();
  await database.drop();
}
