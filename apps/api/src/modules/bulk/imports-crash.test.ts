import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLog, waitFor } from "../../../test/jobs.ts";
import { useTestDb } from "../../../test/test-app.ts";
import { createJobQueue, type JobQueue } from "../../jobs/queue.ts";
import { type SmtpCatcher, startSmtpCatcher } from "../mail/smtp-catcher.ts";
import { IMPORTS_JOB_NAMES as JOB_NAMES } from "./imports.jobs.ts";
import { csvOf, validRow } from "./imports.test-support.ts";

/**
 * A worker process killed with SIGKILL in the middle of applying an import, then another worker: the import ends
 * APPLIED with every row applied exactly once (no account created twice, one audit event per account).
 */
const t = useTestDb();
let catcher: SmtpCatcher;
let queue: JobQueue;
const workers: ChildProcess[] = [];
const ROWS = 1_000;

beforeAll(async () => {
  catcher = await startSmtpCatcher();
  const definitions = Object.values(JOB_NAMES).map((name) => ({
    name,
    label: name,
    description: "",
    handler: async () => ({ processed: 0, failed: 0 }),
  }));
  queue = await createJobQueue({ connectionString: t.database.url, definitions, log: silentLog });
});
afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  await queue?.stop();
  await catcher?.close();
});

async function startWorker(): Promise<ChildProcess> {
  const worker = spawn(process.execPath, ["src/worker.ts"], {
    cwd: path.resolve(import.meta.dirname, "../../.."),
    env: {
      ...process.env,
      DATABASE_URL: t.database.url,
      SMTP_URL: catcher.url,
      LOG_LEVEL: "info",
      IMPORT_BATCH_SIZE: "10",
      JOBS_SUPERVISE_SECONDS: "1",
      JOBS_RETRY_DELAY_SECONDS: "0",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  workers.push(worker);
  await new Promise<void>((resolve, reject) => {
    worker.once("exit", (code) => reject(new Error(`worker exited early with ${code}`)));
    worker.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("worker started")) resolve();
    });
  });
  return worker;
}

async function kill(worker: ChildProcess) {
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  worker.kill("SIGKILL");
  await exited;
}

describe("an import whose worker is killed mid-way", { timeout: 120_000 }, () => {
  it("is taken over by another worker and applies every row exactly once", async () => {
    const structure = await createStructure(t.db, { name: "CHU" });
    const admin = await createAccount(t.db, structure.id, { type: "MED", rpps: null });
    const rows = Array.from({ length: ROWS }, (_, index) => validRow(index % 3 ? "MED" : "PER"));
    const content = Buffer.from(csvOf(rows));
    const job = await t.db.importJob.create({
      data: {
        structureId: structure.id,
        requestedById: admin.id,
        appliedById: admin.id,
        fileName: "gros.csv",
        content,
        fileSize: content.length,
        format: "CSV",
        status: "APPLYING",
        totalRows: ROWS,
      },
      select: { id: true },
    });
    const progress = async () =>
      (await t.db.importJob.findUniqueOrThrow({ where: { id: job.id }, select: { appliedRows: true } })).appliedRows;

    try {
      const first = await startWorker();
      const run = await t.db.jobRun.create({
        data: { name: JOB_NAMES.imports, trigger: "MANUAL", scheduledFor: new Date() },
      });
      await queue.dispatch(run.name, run.id);
      await waitFor(async () => (await progress()) > 0, 30_000, 10);
      await kill(first);
      const atKill = await progress();
      expect(atKill, "killed in the middle").toBeGreaterThan(0);
      expect(atKill, "killed in the middle").toBeLessThan(ROWS);
      // what was committed is whole batches: the accounts of exactly the rows counted as applied
      expect(await t.db.account.count({ where: { structureId: structure.id } })).toBe(atKill + 1);

      const second = await startWorker();
      await waitFor(
        async () =>
          (await t.db.importJob.findUniqueOrThrow({ where: { id: job.id }, select: { status: true } })).status ===
          "APPLIED",
        90_000,
        200,
      );
      second.kill("SIGTERM");
      await new Promise((resolve) => second.once("exit", resolve));
    } finally {
      for (const worker of workers.splice(0)) if (worker.exitCode === null) worker.kill("SIGKILL");
    }

    expect(
      await t.db.importJob.findUniqueOrThrow({
        where: { id: job.id },
        select: { appliedRows: true, created: true, updated: true, unchanged: true, rejected: true },
      }),
    ).toEqual({ appliedRows: ROWS, created: ROWS, updated: 0, unchanged: 0, rejected: 0 });
    expect(await t.db.account.count({ where: { structureId: structure.id } })).toBe(ROWS + 1);
    expect(await t.db.auditEvent.count({ where: { action: "account.created", structureId: structure.id } })).toBe(ROWS);
    expect(await t.db.auditEvent.count({ where: { action: "account.import-applied", entityId: job.id } })).toBe(1);
  });
});
