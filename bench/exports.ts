// Bulk exports (issue 7): the users export of one structure with 100,000 validated or pre-registered accounts, as
// XLSX and as CSV, downloaded whole through the API by its administrator. Targets: XLSX ≤ 10 s, CSV ≤ 3 s, peak RSS
// of the API ≤ 256 MB. The API runs in a child process (this file with --server), so that its peak RSS is the API's
// alone: the load generator, the data generation and (embedded) PGlite stay in this process.
// Data is generated in SQL (generate_series) in a scratch database, on BENCH_DATABASE_URL's server when set (else the
// embedded PGlite, slower): BENCH_DATABASE_URL=… pnpm bench exports.ts (not in the default run).
// BENCH_ACCOUNTS (default 100,000 exported accounts) and BENCH_RUNS (timed downloads per format, default 5) change it;
// BENCH_SERVER_NODE_OPTIONS gives the API process Node options (e.g. --max-semi-space-size=16, to see how much of its
// memory is V8's young generation, which Node sizes from the machine's RAM).
import { fork } from "node:child_process";
import { once } from "node:events";
import { buildApp } from "@medimail/api/app";
import { LOADUSER_COLUMNS } from "@medimail/contracts/loaduser";
import { createDb } from "@medimail/db/client";
import { foldForSearch } from "@medimail/domain/text";
import ExcelJS from "exceljs";
import { apiOptionsText, apiProcess } from "./lib/api-process.ts";
import { openBenchDatabase } from "./lib/database.ts";
import { FIRST_NAMES, LAST_NAMES, SERVICE_NAMES } from "./lib/french-names.ts";
import { percentile, printFigures } from "./lib/report.ts";
import { signedInHeaders } from "./lib/session.ts";

// --- the API, in the child process ----------------------------------------------------------------------------------
if (process.argv.includes("--server")) {
  const db = createDb({ connectionString: process.env.EXPORTS_BENCH_DB_URL ?? "" });
  const app = await buildApp({ db });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  process.send?.({ address });
  process.on("message", async (message: { type: string }) => {
    if (message.type === "rss") {
      // with --expose-gc in BENCH_SERVER_NODE_OPTIONS: the live heap, after a full collection
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      process.send?.({
        peakRss: process.resourceUsage().maxRSS / 1024,
        rss: memory.rss / 1024 / 1024,
        heapUsed: memory.heapUsed / 1024 / 1024,
        heapTotal: memory.heapTotal / 1024 / 1024,
        external: memory.external / 1024 / 1024,
        cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      });
    }
    if (message.type === "stop") {
      await app.close();
      await db.$disconnect();
      process.exit(0);
    }
  });
} else {
  await main();
}

async function main() {
  const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
  const RUNS = Number(process.env.BENCH_RUNS ?? 5);
  const STRUCTURE = "00000000-0000-4000-8003-000000000001";
  const database = await openBenchDatabase();
  const { db } = database;
  let server: ReturnType<typeof fork> | undefined;
  try {
    // -----------------------------------------------------------------------------------------------------------
    // Data: one hospital. Exported: VALIDATED 90 %, PREREGISTERED 10 % (ACCOUNTS of them); plus 5 % more accounts
    // waiting for validation or rejected, which the export leaves out. Types MED 30 %, PER 45 %, INT 20 %, ORG 3 %,
    // APP 2 %, with what each type carries (RPPS or ADELI, FINESS, responsible, description, return address); every
    // account a phone, an address and options; every ORG/APP mailbox two connection accounts.
    const fold = (names: readonly string[]) => names.map(foldForSearch);
    const mailPart = (names: readonly string[]) => fold(names).map((name) => name.replace(/[^a-z-]/g, ""));
    const started = performance.now();
    await db.$executeRaw`
      INSERT INTO structure (id, name, updated_at, address_line, postcode, city)
      VALUES (${STRUCTURE}::uuid, 'CHU de Toulouse', now(), '2 rue Viguerie', '31059', 'Toulouse')`;
    const total = Math.round(ACCOUNTS * 1.05);
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT setseed(0.2026)`;
        await tx.$executeRaw`
        INSERT INTO account (id, structure_id, type, state, previous_state, email, last_name, first_name, profession,
                             region_code, rpps, adeli, finess_site, phone, address_line, postcode, city, description,
                             responsible_last_name, responsible_first_name, responsible_profession,
                             responsible_national_id, return_address, unlisted, dematerialisation, search_text,
                             sort_name, rejected_at, created_at, updated_at)
        SELECT gen_random_uuid(), ${STRUCTURE}::uuid, type, state,
               CASE WHEN state = 'REJECTED' THEN 'PENDING_VALIDATION'::"AccountState" END,
               email, last_name, first_name, profession, '76',
               CASE WHEN type = 'PER' AND i % 7 <> 0 THEN '10' || lpad((i::bigint * 7919 % 1000000000)::text, 9, '0') END,
               CASE WHEN type = 'PER' AND i % 7 = 0 THEN lpad((31 * 10000000 + i::bigint * 104729 % 10000000)::text, 9, '0') END,
               CASE WHEN type IN ('INT', 'ORG', 'APP') THEN '310783048' END,
               '05 61 ' || lpad((i % 100)::text, 2, '0') || ' ' || lpad((i / 100 % 100)::text, 2, '0') || ' ' ||
                 lpad((i / 10000 % 100)::text, 2, '0'),
               (1 + i % 120) || ' rue ' || (ARRAY['Viguerie', 'du Taur', 'Alsace-Lorraine', 'de Metz', 'Pargaminières'])[1 + i % 5],
               '31' || lpad((i % 100)::text, 3, '0'), 'Toulouse',
               CASE WHEN type IN ('ORG', 'APP') THEN 'Boîte du service ' || last_name END,
               CASE WHEN type IN ('ORG', 'APP') THEN 'Durand' END,
               CASE WHEN type IN ('ORG', 'APP') THEN 'Anne' END,
               CASE WHEN type IN ('ORG', 'APP') THEN '10' END,
               CASE WHEN type IN ('ORG', 'APP') THEN '10001234565' END,
               CASE WHEN type = 'APP' THEN 'secretariat' || i || '@chu-toulouse.mssante.fr' END,
               i % 20 = 0, type IN ('PER', 'INT') AND i % 3 = 0,
               concat_ws(' ', email, folded_last, folded_first), left(folded_last || ' ' || folded_first, 210),
               CASE WHEN state = 'REJECTED' THEN created_at + interval '3 days' END, created_at, created_at
        FROM (
          SELECT n.*, n.mail_first || '.' || n.mail_last || n.i || '@chu-toulouse.fr' AS email
          FROM (
            SELECT i, t.type, st.state, now() - random() * interval '10 years' AS created_at,
                   CASE WHEN t.type = 'PER' THEN (ARRAY['10','10','10','21','40','50','60','60','70','91'])[1 + floor(random() * 10)::int]
                        WHEN t.type = 'MED' THEN 'AUTRE' ELSE '10' END AS profession,
                   CASE WHEN t.type IN ('ORG', 'APP') THEN (${SERVICE_NAMES}::text[])[1 + sn]
                        ELSE (${LAST_NAMES}::text[])[1 + ln] END AS last_name,
                   CASE WHEN t.type IN ('ORG', 'APP') THEN 'CHU' ELSE (${FIRST_NAMES}::text[])[1 + fn] END AS first_name,
                   CASE WHEN t.type IN ('ORG', 'APP') THEN (${fold(SERVICE_NAMES)}::text[])[1 + sn]
                        ELSE (${fold(LAST_NAMES)}::text[])[1 + ln] END AS folded_last,
                   CASE WHEN t.type IN ('ORG', 'APP') THEN 'chu' ELSE (${fold(FIRST_NAMES)}::text[])[1 + fn] END AS folded_first,
                   CASE WHEN t.type IN ('ORG', 'APP') THEN (${mailPart(SERVICE_NAMES)}::text[])[1 + sn]
                        ELSE (${mailPart(LAST_NAMES)}::text[])[1 + ln] END AS mail_last,
                   CASE WHEN t.type IN ('ORG', 'APP') THEN 'service' ELSE (${mailPart(FIRST_NAMES)}::text[])[1 + fn] END AS mail_first
            FROM (
              SELECT i, random() AS rt,
                     floor(${LAST_NAMES.length} * power(random(), 1.5))::int AS ln,
                     floor(${SERVICE_NAMES.length} * random())::int AS sn,
                     floor(${FIRST_NAMES.length} * random())::int AS fn
              FROM generate_series(1, ${total}) i
            ) r,
            LATERAL (SELECT (CASE WHEN r.rt < 0.30 THEN 'MED' WHEN r.rt < 0.75 THEN 'PER' WHEN r.rt < 0.95 THEN 'INT'
                                  WHEN r.rt < 0.98 THEN 'ORG' ELSE 'APP' END)::"AccountType" AS type) t,
            -- the first ACCOUNTS rows are exported; the 5 % after them are not
            LATERAL (SELECT (CASE WHEN r.i > ${ACCOUNTS} THEN (CASE WHEN r.i % 2 = 0 THEN 'PENDING_VALIDATION' ELSE 'REJECTED' END)
                                  WHEN r.i % 10 = 0 THEN 'PREREGISTERED' ELSE 'VALIDATED' END)::"AccountState" AS state) st
          ) n
        ) x`;
        // two connection accounts (individual accounts of the hospital) for every ORG/APP mailbox
        await tx.$executeRaw`
        INSERT INTO connection_account (mailbox_id, account_id)
        SELECT m.id, p.id
          FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM account WHERE type IN ('ORG', 'APP')) m
          CROSS JOIN (VALUES (0), (1)) k(o)
          JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM account WHERE type IN ('MED', 'PER', 'INT')) p
            ON p.n = 2 * m.n + k.o`;
      },
      { timeout: 30 * 60_000 },
    );
    await db.$executeRawUnsafe("VACUUM (ANALYZE) account");
    const loadSeconds = (performance.now() - started) / 1000;
    const [counted] = await db.$queryRaw<{ exported: number; all: number; links: number }[]>`
      SELECT count(*) FILTER (WHERE state IN ('VALIDATED', 'PREREGISTERED'))::int AS exported, count(*)::int AS all,
             (SELECT count(*) FROM connection_account)::int AS links
        FROM account WHERE structure_id = ${STRUCTURE}::uuid`;
    if (counted?.exported !== ACCOUNTS) throw new Error(`${counted?.exported} exported accounts, ${ACCOUNTS} expected`);

    // The hospital's administrator (an account of another structure, so that the export's count is the data's).
    const home = await db.structure.create({ data: { name: "GRADeS" } });
    const admin = await db.account.create({
      data: {
        structureId: home.id,
        type: "MED",
        state: "VALIDATED",
        email: "admin.bench@exemple.fr",
        lastName: "Bench",
        firstName: "Admin",
      },
    });
    await db.structureAdmin.create({ data: { structureId: STRUCTURE, accountId: admin.id } });
    const headers = await signedInHeaders(db, admin.email);

    // -----------------------------------------------------------------------------------------------------------
    // The API in its own process.
    const api = apiProcess();
    server = fork(import.meta.filename, ["--server"], {
      execArgv: api.nodeOptions,
      env: {
        ...process.env,
        ...api.env,
        EXPORTS_BENCH_DB_URL: database.url,
        LOG_LEVEL: "silent",
      },
      stdio: "inherit",
    });
    const [{ address }] = (await once(server, "message")) as [{ address: string }];
    const ask = async <T>(type: string): Promise<T> => {
      server?.send({ type });
      return ((await once(server as NonNullable<typeof server>, "message")) as [T])[0];
    };

    /** One download, read to its last byte: seconds to the first byte and to the end, bytes. */
    async function download(format: "xlsx" | "csv") {
      const start = performance.now();
      const response = await fetch(`${address}/api/structures/${STRUCTURE}/exports/users.${format}`, { headers });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      let firstByte = 0;
      const chunks: Buffer[] = [];
      let bytes = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!firstByte) firstByte = performance.now() - start;
        bytes += value.length;
        chunks.push(Buffer.from(value));
      }
      return {
        seconds: (performance.now() - start) / 1000,
        firstByte: firstByte / 1000,
        bytes,
        body: Buffer.concat(chunks),
      };
    }

    /** The file holds every exported account, once, under the loaduser headers. */
    async function check(format: "xlsx" | "csv", body: Buffer) {
      let rows = 0;
      let headerLine = "";
      if (format === "csv") {
        const text = body.toString("utf8");
        headerLine = text.slice(1, text.indexOf("\r\n"));
        rows = text.split("\r\n").filter(Boolean).length - 1;
      } else {
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
        const sheet = workbook.getWorksheet("Utilisateurs");
        headerLine = ((sheet?.getRow(1).values as unknown[]) ?? []).slice(1).join(";");
        rows = (sheet?.actualRowCount ?? 0) - 1;
      }
      const expected = LOADUSER_COLUMNS.map((column) => column.header).join(";");
      if (headerLine !== expected) throw new Error(`${format}: headers ${headerLine}`);
      if (rows !== ACCOUNTS) throw new Error(`${format}: ${rows} rows, ${ACCOUNTS} expected`);
    }

    type Memory = {
      peakRss: number;
      rss: number;
      heapUsed: number;
      heapTotal: number;
      external: number;
      cpuSeconds: number;
    };
    const mib = (memory: Memory) =>
      `RSS ${memory.rss.toFixed(0)}, peak ${memory.peakRss.toFixed(0)}, heap used ${memory.heapUsed.toFixed(0)} of ${memory.heapTotal.toFixed(0)}, external ${memory.external.toFixed(0)}`;
    const idle = await ask<Memory>("rss");
    const phases: Record<string, string> = { "after start-up (MiB)": mib(idle) };
    const results: Record<string, string | number> = {};
    let cpuBefore = idle.cpuSeconds;
    for (const format of ["csv", "xlsx"] as const) {
      const warm = await download(format);
      await check(format, warm.body);
      const seconds: number[] = [];
      const firstBytes: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const result = await download(format);
        seconds.push(result.seconds);
        firstBytes.push(result.firstByte);
      }
      seconds.sort((a, b) => a - b);
      firstBytes.sort((a, b) => a - b);
      results[`${format.toUpperCase()}: ${RUNS} downloads, median / p99 (s)`] =
        `${percentile(seconds, 50).toFixed(2)} / ${percentile(seconds, 99).toFixed(2)}`;
      results[`${format.toUpperCase()}: first byte, median (s)`] = percentile(firstBytes, 50);
      results[`${format.toUpperCase()}: file size (MiB)`] = warm.bytes / 1024 / 1024;
      results[`${format.toUpperCase()}: accounts per second (median)`] = Math.round(ACCOUNTS / percentile(seconds, 50));
      const after = await ask<Memory>("rss");
      phases[`after the ${format.toUpperCase()} downloads (MiB)`] = mib(after);
      // CPU time of the API per download: what the export costs whatever else runs on the machine
      results[`${format.toUpperCase()}: API CPU time per download, user + system (s)`] =
        (after.cpuSeconds - cpuBefore) / (RUNS + 1);
      cpuBefore = after.cpuSeconds;
    }
    // two exports at once (two administrators, or an XLSX and a CSV)
    const together = performance.now();
    await Promise.all([download("xlsx"), download("csv")]);
    results["XLSX and CSV at the same time, both done (s)"] = (performance.now() - together) / 1000;

    const memory = await ask<Memory>("rss");
    phases["after both at once (MiB)"] = mib(memory);
    printFigures(`Users export — one structure, ${ACCOUNTS.toLocaleString("en")} exported accounts, ${database.kind}`, {
      "data generation (s)": loadSeconds,
      "accounts in the structure (with those not exported)": counted?.all ?? 0,
      "connection accounts of ORG/APP mailboxes": counted?.links ?? 0,
    });
    printFigures("downloads through the API, whole body read (targets: XLSX ≤ 10 s, CSV ≤ 3 s)", results);
    printFigures("memory of the API process (target ≤ 256 MB)", {
      "API process's options": apiOptionsText(),
      "RSS after start-up, before any export (MiB)": idle.rss,
      "peak RSS, API process alone (MiB)": memory.peakRss,
      "peak RSS − RSS after start-up (MiB)": memory.peakRss - idle.rss,
      "RSS at the end (MiB)": memory.rss,
      ...phases,
    });
  } finally {
    if (server?.connected) {
      server.send({ type: "stop" });
      await once(server, "exit");
    }
    await db.$disconnect();
    if (process.env.BENCH_KEEP_DATABASE) console.log(`\nkept: ${database.url}`);
    else await database.drop();
  }
}
