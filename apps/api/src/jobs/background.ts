import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.ts";
import type { DirectoryPublisher } from "../modules/directory/directory-publisher.ts";
import { createFhirFilePublisher } from "../modules/directory/fhir-file-publisher.ts";
import type { ExtractionSource } from "../modules/directory-visibility/extraction-download.ts";
import { createSmtpMailer } from "../modules/mail/mailer.ts";
import type { SmtpCatcher } from "../modules/mail/smtp-catcher.ts";
import { type Clock, systemClock } from "./job-definition.ts";
import { createJobQueue } from "./queue.ts";
import { createJobDefinitions } from "./registry.ts";
import { createJobRunner } from "./runner.ts";
import { createScheduler } from "./scheduler.ts";

export interface BackgroundOptions {
  config: Pick<
    Config,
    | "SMTP_URL"
    | "SMTP_CATCHER_PORT"
    | "MAIL_FROM"
    | "RUN_WORKERS"
    | "JOB_BATCH_SIZE"
    | "IMPORT_BATCH_SIZE"
    | "JOBS_SUPERVISE_SECONDS"
    | "JOBS_RETRY_DELAY_SECONDS"
  > &
    Partial<
      Pick<
        Config,
        | "EXPORTS_DIR"
        | "DATA_DIR"
        | "EXPORT_RETENTION_HOURS"
        | "DIRECTORY_EXTRACTION_URL"
        | "DIRECTORY_CA_FILE"
        | "DIRECTORY_CLIENT_CERT_FILE"
        | "DIRECTORY_CLIENT_KEY_FILE"
        | "DIRECTORY_TIMEOUT_SECONDS"
      >
    >;
  db: Db;
  databaseUrl: string;
  log: FastifyBaseLogger;
  clock?: Clock;
  /** scheduler tick interval; tests drive `scheduler.tick()` themselves with 0 */
  schedulerIntervalMs?: number;
  /** the console's address as browsers reach it, for links in mails written by jobs */
  publicUrl?: string;
  /** folder the nightly directory publication writes its feed to (default: a folder of the system's temp dir) */
  directoryFeedDir?: string;
  /** where the nightly directory publication goes (before `directoryFeedDir`) */
  directoryPublisher?: DirectoryPublisher;
}

/**
 * Mail, job queue, workers and scheduler of one process. Every process dispatches jobs (the API's
 * "run now"); those with RUN_WORKERS also execute them and tick the scheduler.
 */
export async function startBackground({
  config,
  db,
  databaseUrl,
  log,
  clock = systemClock,
  schedulerIntervalMs = 20_000,
  publicUrl,
  directoryFeedDir,
  directoryPublisher,
}: BackgroundOptions) {
  let catcher: SmtpCatcher | undefined;
  let smtpUrl = config.SMTP_URL;
  if (!smtpUrl) {
    // loaded only here: a deployment with a mail server never needs the catcher's SMTP server and mail parser
    const { startSmtpCatcher } = await import("../modules/mail/smtp-catcher.ts");
    catcher = await startSmtpCatcher({ port: config.SMTP_CATCHER_PORT }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        throw new Error(
          `the mail catcher's port ${config.SMTP_CATCHER_PORT} is in use: set SMTP_CATCHER_PORT or SMTP_URL`,
        );
      }
      throw error;
    });
    smtpUrl = catcher.url;
    log.info({ smtp: smtpUrl }, "mail catcher started: mails are kept, not delivered");
  }
  const mailer = createSmtpMailer({ url: smtpUrl, from: config.MAIL_FROM });
  const mailDomain = config.MAIL_FROM.match(/@([^>\s]+)/)?.[1] ?? "medimail-admin.local";
  // export files: EXPORTS_DIR, else `exports` in the data folder (tests without either: the system's temp folder)
  const exportsDir =
    config.EXPORTS_DIR ??
    (config.DATA_DIR ? path.join(config.DATA_DIR, "exports") : path.join(os.tmpdir(), "medimail-exports"));
  const definitions = createJobDefinitions({
    extractionSource: await extractionSourceOf(config),
    mailer,
    mailDomain,
    importBatchRows: config.IMPORT_BATCH_SIZE,
    exportsDir,
    exportRetentionHours: config.EXPORT_RETENTION_HOURS ?? 168,
    ...(publicUrl ? { publicUrl } : {}),
    ...(directoryPublisher
      ? { directoryPublisher }
      : directoryFeedDir
        ? { directoryPublisher: createFhirFilePublisher(directoryFeedDir) }
        : {}),
  });
  const queue = await createJobQueue({
    connectionString: databaseUrl,
    definitions,
    log,
    superviseIntervalSeconds: config.JOBS_SUPERVISE_SECONDS,
    retryDelaySeconds: config.JOBS_RETRY_DELAY_SECONDS,
  });
  const runner = createJobRunner({ db, definitions, clock, batchSize: config.JOB_BATCH_SIZE, log });
  const scheduler = createScheduler({ db, queue, definitions, clock, log });
  if (config.RUN_WORKERS) {
    for (const definition of definitions) await queue.work(definition.name, runner);
    if (schedulerIntervalMs > 0) scheduler.start(schedulerIntervalMs);
  }

  return {
    definitions,
    queue,
    scheduler,
    catcher,
    clock,
    exportsDir,
    async stop() {
      await scheduler.stop();
      await queue.stop();
      mailer.close();
      await catcher?.close();
    },
  };
}
export type Background = Awaited<ReturnType<typeof startBackground>>;

/** The national extraction's download: its URL and the directory's TLS options (null: no download configured). */
async function extractionSourceOf(config: BackgroundOptions["config"]): Promise<ExtractionSource | null> {
  if (!config.DIRECTORY_EXTRACTION_URL) return null;
  const [ca, cert, key] = await Promise.all(
    [config.DIRECTORY_CA_FILE, config.DIRECTORY_CLIENT_CERT_FILE, config.DIRECTORY_CLIENT_KEY_FILE].map((file) =>
      file ? readFile(file) : Promise.resolve(undefined),
    ),
  );
  return {
    url: config.DIRECTORY_EXTRACTION_URL,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    timeoutMs: (config.DIRECTORY_TIMEOUT_SECONDS ?? 30) * 1000,
  };
}
