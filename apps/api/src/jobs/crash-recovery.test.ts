import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createAccounts, createStructure } from "@medimail/db/seed/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLog, waitFor } from "../../test/jobs.ts";
import { useTestDb } from "../../test/test-app.ts";
import { type SmtpCatcher, startSmtpCatcher } from "../modules/mail/smtp-catcher.ts";
import { createJobQueue, type JobQueue } from "./queue.ts";
import { JOB_NAMES } from "./registry.ts";

/**
 * A worker process killed with SIGKILL in the middle of each job, then a new worker started: every change
 * ends up applied exactly once. The new worker takes the job over when the dead one's heartbeat lapses.
 */
const t = useTestDb();
let catcher: SmtpCatcher;
let feedDir: string;
let queue: JobQueue;
const workers: ChildProcess[] = [];
const DAY = 86_400_000;
const COUNT = 300;

beforeAll(async () => {
  catcher = await startSmtpCatcher();
  feedDir = await mkdtemp(path.join(os.tmpdir(), "medimail-feed-crash-"));
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
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      DATABASE_URL: t.database.url,
      SMTP_URL: catcher.url,
      LOG_LEVEL: "info",
      JOB_BATCH_SIZE: "10",
      JOBS_SUPERVISE_SECONDS: "1",
      JOBS_RETRY_DELAY_SECONDS: "0",
      DIRECTORY_FEED_DIR: feedDir,
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

async function runKilledMidway(name: string, progress: () => Promise<number>, total: number) {
  try {
    await killedMidway(name, progress, total);
    await waitFor(async () => (await progress()) === total, 90_000, 200);
  } finally {
    for (const worker of workers.splice(0)) if (worker.exitCode === null) worker.kill("SIGKILL");
  }
}

async function killedMidway(name: string, progress: () => Promise<number>, total: number) {
  const first = await startWorker();
  const run = await t.db.jobRun.create({ data: { name, trigger: "MANUAL", scheduledFor: new Date() } });
  await queue.dispatch(name, run.id);
  await waitFor(async () => (await progress()) > 0, 30_000, 10);
  await kill(first);
  const atKill = await progress();
  expect(atKill, "killed in the middle").toBeGreaterThan(0);
  expect(atKill, "killed in the middle").toBeLessThan(total);

  const second = await startWorker();
  // the interrupted run is taken over (a second attempt) once the dead worker's heartbeat lapses; the
  // outbox's every-minute run may also be working on the same mails: both must end and agree
  await waitFor(async () => (await t.db.jobRun.count({ where: { name, status: { not: "DONE" } } })) === 0, 90_000, 200);
  expect(
    await t.db.jobRun.count({ where: { name, attempts: { gte: 2 } } }),
    "a run was taken over",
  ).toBeGreaterThanOrEqual(1);
  second.kill("SIGTERM");
  await new Promise((resolve) => second.once("exit", resolve));
}

describe("a worker killed in the middle of a job", { timeout: 120_000 }, () => {
  it("email changes: every request applied once", async () => {
    const structure = await createStructure(t.db);
    const accounts = await createAccounts(t.db, structure.id, COUNT);
    await t.db.emailChangeRequest.createMany({
      data: accounts.map((account, i) => ({
        accountId: account.id as string,
        oldEmail: account.email,
        newEmail: `change.${i}@nouveau.fr`,
        requestedAt: new Date(Date.now() - DAY),
      })),
    });
    const done = () => t.db.emailChangeRequest.count({ where: { status: "DONE" } });
    await runKilledMidway(JOB_NAMES.emailChanges, done, COUNT);

    expect(await done()).toBe(COUNT);
    expect(await t.db.account.count({ where: { email: { endsWith: "@nouveau.fr" } } })).toBe(COUNT);
    expect(await t.db.auditEvent.count({ where: { action: "account.email-changed" } })).toBe(COUNT);
    expect(await t.db.outboxMail.count({ where: { idempotencyKey: { startsWith: "email-change-applied:" } } })).toBe(
      COUNT,
    );
  });

  it("inactivity: every notice sent once, every deletion done once", async () => {
    const structure = await createStructure(t.db);
    await createAccounts(t.db, structure.id, COUNT, () => ({ lastActivityAt: new Date(Date.now() - 365 * DAY) }));
    await createAccounts(t.db, structure.id, COUNT, () => ({
      lastActivityAt: new Date(Date.now() - 300 * DAY),
      inactivityNoticeAt: new Date(Date.now() - 60 * DAY),
    }));
    const handled = async () =>
      await t.db.auditEvent.count({
        where: { action: { in: ["account.inactivity-notice", "account.deleted-inactive"] } },
      });
    await runKilledMidway(JOB_NAMES.inactivity, handled, 2 * COUNT);

    expect(await t.db.auditEvent.count({ where: { action: "account.inactivity-notice" } })).toBe(COUNT);
    expect(await t.db.outboxMail.count({ where: { idempotencyKey: { startsWith: "inactivity-notice:" } } })).toBe(
      COUNT,
    );
    expect(await t.db.auditEvent.count({ where: { action: "account.deleted-inactive" } })).toBe(COUNT);
    expect(await t.db.deletedAccount.count({ where: { reason: "INACTIVITY" } })).toBe(COUNT);
    expect(await t.db.account.count({ where: { structureId: structure.id } })).toBe(COUNT);
  });

  it("definitive rejections: every account purged once", async () => {
    const structure = await createStructure(t.db);
    await createAccounts(t.db, structure.id, COUNT, () => ({
      state: "REJECTED",
      previousState: "VALIDATED",
      rejectedAt: new Date(Date.now() - 800 * DAY),
    }));
    const purged = () => t.db.deletedAccount.count({ where: { reason: "REJECTION_PURGE" } });
    await runKilledMidway(JOB_NAMES.definitiveRejection, purged, COUNT);

    expect(await purged()).toBe(COUNT);
    expect(await t.db.account.count({ where: { structureId: structure.id } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { action: "account.definitively-rejected" } })).toBe(COUNT);
  });

  it("directory publication: every change in the feed once", async () => {
    const structure = await createStructure(t.db, { mssDomain: "crash.mssante.fr" });
    const accounts = await createAccounts(t.db, structure.id, COUNT);
    await t.db.mssAddress.createMany({
      data: accounts.map((account, i) => ({ accountId: account.id as string, address: `bal.${i}@crash.mssante.fr` })),
    });
    const published = () =>
      t.db.mssAddress.count({ where: { address: { endsWith: "@crash.mssante.fr" }, publicationStatus: "PUBLISHED" } });
    await runKilledMidway(JOB_NAMES.directoryPublication, published, COUNT);

    expect(await t.db.directoryFeedEntry.count({ where: { address: { endsWith: "@crash.mssante.fr" } } })).toBe(COUNT);
    expect(await t.db.directoryFeedEntry.count({ where: { sentAt: null } })).toBe(0);
    const addresses: string[] = [];
    for (const name of (await readdir(feedDir)).filter((file) => file.endsWith(".json"))) {
      const bundle = JSON.parse(await readFile(path.join(feedDir, name), "utf8"));
      // the PATCH documents: the address is in each operation's path, `telecom.where(value = '…')`
      for (const entry of bundle.entry)
        addresses.push(/where\(value = '(.*)'\)/.exec(entry.resource.parameter[0].part[1].valueString)?.[1] ?? "");
    }
    expect(addresses.length).toBe(COUNT);
    expect(new Set(addresses).size).toBe(COUNT);
  });

  it("outbox: every mail sent, none twice but the one in flight at the kill (same Message-ID)", async () => {
    await t.db.outboxMail.updateMany({ data: { status: "SENT" } }); // mails of the previous cases are not this test's
    catcher.clear();
    await t.db.outboxMail.createMany({
      data: Array.from({ length: COUNT }, (_, i) => ({
        idempotencyKey: `crash-test:${i}`,
        to: [`user${i}@exemple.fr`],
        subject: `Message ${i}`,
        text: "Bonjour",
      })),
    });
    const sent = () =>
      t.db.outboxMail.count({ where: { idempotencyKey: { startsWith: "crash-test:" }, status: "SENT" } });
    await runKilledMidway(JOB_NAMES.outbox, sent, COUNT);

    expect(await sent()).toBe(COUNT);
    const caught = catcher.mails().filter((mail) => mail.subject.startsWith("Message "));
    const distinct = new Set(caught.map((mail) => mail.messageId));
    expect(distinct.size).toBe(COUNT);
    // a mail SMTP accepted just before the kill, not yet marked SENT, is sent again by the run's retry:
    // at most one per interrupted run, with the same Message-ID so that the receiver can drop it
    const interrupted = await t.db.jobRun.count({ where: { name: JOB_NAMES.outbox, attempts: { gte: 2 } } });
    expect(caught.length - distinct.size).toBeLessThanOrEqual(interrupted);
  });
});
