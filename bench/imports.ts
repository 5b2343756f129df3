import { withRppsKey } from "@medimail/domain/identifiers";
// "Importer une liste d'utilisateurs" at scale: a 100,000-row loaduser file as XLSX (written by exceljs's streaming
// writer, shared strings as Excel writes them) and as CSV (semicolons, UTF-8 with BOM), each imported into an empty
// structure through the HTTP API as the screen does it: upload (the dry run answers in the same request), apply,
// then poll until APPLIED. Then the CSV again over the accounts it created (re-import: every row unchanged).
// Targets, end to end: XLSX ≤ 60 s, CSV ≤ 30 s, with the API process's peak RSS ≤ 300 MB.
//
// The API and its worker run in a child process (the built `apps/api/dist/server.js`, RUN_WORKERS=true, the default batch
// sizes), one per scenario, so that its peak RSS (VmHWM from /proc, Linux) is the server's alone: the files are
// built and the clock is read here. It runs as deployed: apps/api's `serve` options, NODE_ENV=production, and its
// mail goes to an SMTP server outside it (the catcher, run here), not to the catcher a development server starts
// inside itself. On the embedded PGlite by default; BENCH_DATABASE_URL=… for a PostgreSQL server. BENCH_ROWS
// changes the row count (default 100,000); BENCH_ONLY=<part of a scenario's name> runs only those scenarios;
// BENCH_SERVER_NODE_OPTIONS replaces the API process's Node options; BENCH_KEEP_DATABASE=1 keeps the database.

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ImportSummary } from "@medimail/contracts/imports";
import { LOADUSER_COLUMNS, type LoaduserRow } from "@medimail/contracts/loaduser";
import { luhnCheckDigit } from "@medimail/domain/identifiers";
import { foldForSearch } from "@medimail/domain/text";
import ExcelJS from "exceljs";
import { startSmtpCatcher } from "../apps/api/src/modules/mail/smtp-catcher.ts";
import { apiOptionsText, apiProcess } from "./lib/api-process.ts";
import { createConsoleAccounts } from "./lib/console-accounts.ts";
import { openBenchDatabase } from "./lib/database.ts";
import { FIRST_NAMES, LAST_NAMES, SERVICE_NAMES } from "./lib/french-names.ts";
import { printFigures } from "./lib/report.ts";
import { signedInHeaders } from "./lib/session.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
/** a port nobody listens on (other benchmarks may run at the same time) */
const PORT = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${PORT}`;
const FINESS = `31078140${luhnCheckDigit("31078140")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loaduser file's rows: 45 % PER, 30 % MED, 20 % INT, 5 % ORG opened by the PER just above them. */
function* rows(domain: string): Generator<LoaduserRow> {
  const mail = (text: string) => foldForSearch(text).replace(/[^a-z-]/g, "");
  let lastPer = "";
  for (let i = 0; i < ROWS; i++) {
    const lastName = LAST_NAMES[(i * 7) % LAST_NAMES.length] as string;
    const firstName = FIRST_NAMES[(i * 13) % FIRST_NAMES.length] as string;
    const email = `${mail(firstName)}.${mail(lastName)}.${i}@${domain}`;
    const kind = i % 20;
    const type = kind === 19 ? "ORG" : kind < 9 ? "PER" : kind < 15 ? "MED" : "INT";
    const row: LoaduserRow = {
      type,
      email,
      lastName: type === "ORG" ? (SERVICE_NAMES[i % SERVICE_NAMES.length] as string) : lastName,
      firstName: type === "ORG" ? `Site ${i % 40}` : firstName,
      profession: "10 - Médecin",
      regionCode: "76 - Occitanie",
      nationalId: type === "PER" ? withRppsKey(`10${String(i).padStart(8, "0")}`) : "",
      finessSite: type === "INT" || type === "ORG" ? FINESS : "",
      phone: i % 3 === 0 ? "05 61 77 22 33" : "",
      addressLine: "1 place du Capitole",
      postcode: "31000",
      city: "Toulouse",
      connectionAccounts: type === "ORG" ? lastPer : "",
      description: type === "ORG" ? "Secrétariat" : "",
      responsibleLastName: type === "ORG" ? "Durand" : "",
      responsibleFirstName: type === "ORG" ? "Anne" : "",
      responsibleProfession: type === "ORG" ? "10 - Médecin" : "",
      responsibleId: type === "ORG" ? "10001234565" : "",
      returnAddress: "",
      unlisted: "non",
      dematerialisation: i % 2 ? "oui" : "non",
    };
    if (type === "PER") lastPer = email;
    yield row;
  }
}

async function writeXlsx(file: string, domain: string) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(file), useSharedStrings: true });
  const sheet = workbook.addWorksheet("Utilisateurs");
  sheet.addRow(LOADUSER_COLUMNS.map((column) => column.header)).commit();
  for (const row of rows(domain)) sheet.addRow(LOADUSER_COLUMNS.map((column) => row[column.key])).commit();
  sheet.commit();
  await workbook.commit();
}

function writeCsv(file: string, domain: string) {
  const cell = (text: string) => (/[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = [LOADUSER_COLUMNS.map((column) => cell(column.header)).join(";")];
  for (const row of rows(domain)) lines.push(LOADUSER_COLUMNS.map((column) => cell(row[column.key])).join(";"));
  writeFileSync(file, `\uFEFF${lines.join("\r\n")}\r\n`);
}

async function startServer(databaseUrl: string, smtpUrl: string): Promise<ChildProcess> {
  const api = apiProcess();
  const server = spawn(process.execPath, [...api.nodeOptions, api.script], {
    cwd: path.resolve(import.meta.dirname, "../apps/api"),
    env: {
      ...process.env,
      ...api.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      PUBLIC_URL: base,
      LOG_LEVEL: "warn",
      WEB_DIST: "",
      SMTP_URL: smtpUrl,
      // production requires it; a fresh one per run (nothing encrypted outlives the run)
      SECRETS_KEY: randomBytes(32).toString("base64"),
      // production on loopback, with the catcher: plain SMTP and http:// on purpose
      ALLOW_INSECURE_TRANSPORT: "true",
      RUN_WORKERS: "true",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/ready`)).ok) break;
    } catch {}
    await sleep(100);
  }
  // a fresh server catches up on the night's jobs it missed: let them end, the import is what is measured here
  const deadline = Date.now() + 120_000;
  while (
    Date.now() < deadline &&
    (await db.jobRun.count({ where: { status: { in: ["PENDING", "RUNNING"] }, name: { not: "mail.outbox" } } })) > 0
  ) {
    await sleep(250);
  }
  return server;
}

/** Samples the server's resident memory every 100 ms (VmRSS), to give the peak of each phase. */
function rssSampler(pid: number) {
  let peak = 0;
  const sample = () => {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    peak = Math.max(peak, Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) / 1024);
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    /** the peak since the last call (MiB) */
    take(): number {
      sample();
      const value = peak;
      peak = 0;
      return value;
    },
    stop: () => clearInterval(timer),
  };
}

/** The peak resident memory of a process so far (Linux: VmHWM), in MiB. */
function peakRssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmHWM:\s+(\d+) kB/)?.[1] ?? Number.NaN) / 1024;
}

async function stopServer(server: ChildProcess) {
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}

/** Upload (+ dry run), apply, poll until APPLIED: the phases' durations and the outcome. */
async function importThroughApi(
  headers: Record<string, string>,
  structureId: string,
  file: string,
  fileName: string,
  rss: ReturnType<typeof rssSampler>,
) {
  const content = readFileSync(file);
  const idle = rss.take();
  const started = performance.now();
  const uploaded = await fetch(`${base}/api/structures/${structureId}/imports?fileName=${fileName}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/octet-stream" },
    body: content,
  });
  if (uploaded.status !== 201) throw new Error(`upload: HTTP ${uploaded.status} ${await uploaded.text()}`);
  const dryRun = (await uploaded.json()) as ImportSummary;
  const dryRunDone = performance.now();
  const dryRunRss = rss.take();
  const applied = await fetch(`${base}/api/structures/${structureId}/imports/${dryRun.id}/apply`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ notifyUsers: false }),
  });
  if (applied.status !== 202) throw new Error(`apply: HTTP ${applied.status} ${await applied.text()}`);
  let summary: ImportSummary;
  for (;;) {
    await sleep(250);
    summary = (await (
      await fetch(`${base}/api/structures/${structureId}/imports/${dryRun.id}`, { headers })
    ).json()) as ImportSummary;
    if (summary.status !== "APPLYING") break;
  }
  const done = performance.now();
  if (summary.status !== "APPLIED") throw new Error(`import ended ${summary.status}: ${summary.error}`);
  return {
    bytes: content.length,
    dryRun,
    summary,
    idle,
    dryRunRss,
    applyRss: rss.take(),
    uploadAndDryRun: (dryRunDone - started) / 1000,
    apply: (done - dryRunDone) / 1000,
    total: (done - started) / 1000,
  };
}

const database = await openBenchDatabase();
const smtp = await startSmtpCatcher();
const { db } = database;
const folder = path.join(tmpdir(), `medimail-bench-imports-${process.pid}`);
const xlsxFile = `${folder}.xlsx`;
const csvFile = `${folder}.csv`;
try {
  const root = await db.structure.create({ data: { name: "GRADeS" } });
  const site = (name: string) =>
    db.structure.create({
      data: { name, parentId: root.id, addressLine: "2 rue Viguerie", postcode: "31059", city: "Toulouse" },
    });
  const xlsxTarget = await site("CHU XLSX");
  const csvTarget = await site("CHU CSV");
  const { operator } = await createConsoleAccounts(db, root.id);
  const headers = await signedInHeaders(db, operator);

  let started = performance.now();
  await writeXlsx(xlsxFile, "xlsx.chu-exemple.fr");
  const xlsxWrite = (performance.now() - started) / 1000;
  started = performance.now();
  writeCsv(csvFile, "csv.chu-exemple.fr");
  const csvWrite = (performance.now() - started) / 1000;

  const scenarios = [
    { name: `XLSX, ${ROWS.toLocaleString("en")} new accounts`, structure: xlsxTarget.id, file: xlsxFile, target: 60 },
    { name: `CSV, ${ROWS.toLocaleString("en")} new accounts`, structure: csvTarget.id, file: csvFile, target: 30 },
    { name: "CSV again (re-import, every row unchanged)", structure: csvTarget.id, file: csvFile, target: 30 },
  ];
  // BENCH_ONLY=<part of a scenario's name> runs only the matching scenarios (the re-import needs the CSV's import)
  const chosen = scenarios.filter((scenario) => scenario.name.includes(process.env.BENCH_ONLY ?? ""));
  for (const scenario of chosen) {
    const server = await startServer(database.url, smtp.url);
    const rss = rssSampler(server.pid as number);
    try {
      const result = await importThroughApi(
        headers,
        scenario.structure,
        scenario.file,
        path.basename(scenario.file),
        rss,
      );
      const peak = peakRssOf(server.pid as number);
      printFigures(`Import — ${scenario.name}, ${database.kind}`, {
        "file (MB)": result.bytes / 1024 / 1024,
        "dry run: create / update / unchanged / rejected": Object.values(result.dryRun.dryRun).join(" / "),
        "applied: created / updated / unchanged / rejected": Object.values(result.summary.applied).join(" / "),
        "upload + dry run (s)": result.uploadAndDryRun,
        "apply, until APPLIED (s)": result.apply,
        [`end to end (s, target ≤ ${scenario.target})`]: result.total,
        "rows per second, end to end": ROWS / result.total,
        "API + worker process RSS before the upload (MiB)": result.idle,
        "peak RSS during upload + dry run / during the apply (MiB)": `${result.dryRunRss.toFixed(0)} / ${result.applyRss.toFixed(0)}`,
        "API + worker process peak RSS, from its start (MiB, target ≤ 300)": peak,
        "API process's options": apiOptionsText(),
      });
    } finally {
      rss.stop();
      await stopServer(server);
    }
  }
  printFigures("Files", { "XLSX written in (s)": xlsxWrite, "CSV written in (s)": csvWrite });
  // every file creates ROWS accounts in its own structure (the re-import none), next to the two console accounts
  const expected = ROWS * new Set(chosen.map((scenario) => scenario.structure)).size + 2;
  const accounts = await db.account.count();
  if (accounts !== expected) throw new Error(`expected ${expected} accounts, found ${accounts}`);
} finally {
  rmSync(xlsxFile, { force: true });
  rmSync(csvFile, { force: true });
  await db.$disconnect();
  if (!process.env.BENCH_KEEP_DATABASE) await database.drop();
  else console.log(`database kept: ${database.url}`);
  await smtp.close();
}
