// The apply of an import, in the background: the stored file is read again and applied in transactions of a few
// hundred rows, each committing the rows' changes, their audit events, their mails and the import's progress
// together. A run that dies mid-way leaves the import APPLYING at the last committed row; the next run (pg-boss's
// retry, or the hourly run) starts after it. Rows are matched by email, so nothing is ever created twice.
import { randomUUID } from "node:crypto";
import type { Db, DbTx } from "@medimail/db/client";
import { initialState } from "@medimail/domain/account-states";
import { TYPE_RULES } from "@medimail/domain/account-types";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { preRegistrationMail } from "../accounts/account-mails.ts";
import { setConnectionAccounts } from "../accounts/account-profile.ts";
import { LINK_VALIDITY_HOURS } from "../accounts/account-tokens.ts";
import { auditable } from "../accounts/accounts.service.ts";
import type { AuditActor } from "../audit/audit.repository.ts";
import { hashToken, randomToken } from "../auth/tokens.ts";
import { detectFile, ImportFileRefused, readCsvSlices, readStoredXlsx, StoredFileGone } from "./imports.files.ts";
import {
  type CreationCheck,
  checkAsCreation,
  claimEmail,
  emailOf,
  type ImportTarget,
  loadTarget,
  newMemory,
  type PlanMemory,
  planRows,
  type RowError,
  type RowPlan,
} from "./imports.plan.ts";
import {
  type AuditRow,
  accountKinds,
  type ImportedAccount,
  insertAccounts,
  insertAuditEvents,
  insertConnectionAccounts,
  insertRowErrors,
  readStoredFile,
  storedFile,
} from "./imports.repository.ts";
import { type FileRow, headerOf, type OpenedFile, openRecords, openRows } from "./imports.rows.ts";
import type { ImportReport } from "./imports.service.ts";

/** Uploaded files are emptied after this many days (the import's record and its error rows stay). */
export const IMPORT_KEEP_DAYS = 7;

export interface ImportsJobOptions {
  /** the console's address, for the links in the pre-registration mails */
  publicUrl: string;
  /** rows per transaction (default: the jobs' JOB_BATCH_SIZE; the console's job: IMPORT_BATCH_SIZE) */
  batchRows?: number;
  /** tests: called after each committed batch (throwing there simulates a crash between two batches) */
  afterBatch?: (importId: string, appliedRows: number) => void | Promise<void>;
}

/**
 * `accounts.import`: applies every import waiting in APPLYING (the apply request records a run and hands it to the
 * queue), and empties the files of imports older than IMPORT_KEEP_DAYS.
 */
export function createImportsJob(options: ImportsJobOptions) {
  return async function applyImports({ db, clock, log, batchSize }: JobContext): Promise<JobResult> {
    const now = clock.now();
    const purged = await db.importJob.updateMany({
      where: {
        createdAt: { lt: new Date(now.getTime() - IMPORT_KEEP_DAYS * 86_400_000) },
        status: { not: "APPLYING" },
        content: { not: null },
      },
      data: { content: null },
    });
    if (purged.count > 0) log.info({ purged: purged.count }, "old import files emptied");
    const waiting = await db.importJob.findMany({
      where: { status: "APPLYING" },
      orderBy: { createdAt: "asc" },
      select: { id: true },
    });
    let processed = 0;
    let failed = 0;
    for (const { id } of waiting) {
      try {
        processed += await applyImport(db, id, {
          ...options,
          batchRows: options.batchRows ?? batchSize,
          now: () => clock.now(),
        });
      } catch (error) {
        // a file that can no longer be read will not be read at the next attempt either; anything else is retried
        if (!(error instanceof ImportFileRefused)) throw error;
        failed++;
        await db.importJob.updateMany({
          where: { id, status: "APPLYING" },
          data: { status: "FAILED", error: error.message },
        });
      }
    }
    return { processed, failed };
  };
}

/** Applies what remains of one import; answers the rows it handled. Stops when another run has taken it over. */
export async function applyImport(
  db: Db,
  importId: string,
  options: ImportsJobOptions & { now: () => Date },
): Promise<number> {
  const batchRows = options.batchRows ?? 200;
  const job = await db.importJob.findUnique({
    where: { id: importId },
    select: {
      status: true,
      structureId: true,
      appliedRows: true,
      notifyUsers: true,
      appliedById: true,
      fileName: true,
      report: true,
    },
  });
  if (job?.status !== "APPLYING") return 0;
  const fileGone = async () => {
    await db.importJob.updateMany({
      where: { id: importId, status: "APPLYING" },
      data: {
        status: "FAILED",
        error: "Le fichier de cet import a été effacé avant la fin de l'import : déposez-le à nouveau.",
      },
    });
    return 0;
  };
  const uploaded = (job.report as ImportReport | null)?.kind;
  let opened: OpenedFile;
  if (uploaded?.format === "CSV") {
    // read from the database a slice at a time as the rows are applied, never whole; the upload found its encoding
    const stored = await storedFile(db, importId);
    if (!stored) return fileGone();
    opened = await openRecords(readCsvSlices(stored.slices(), uploaded.encoding), "CSV");
  } else if (uploaded?.format === "XLSX") {
    // read from the database a range at a time: its directory, then each part as the reader gets to it (the zip's
    // parts were inflated and measured at the upload, not again here)
    const stored = await storedFile(db, importId);
    if (!stored) return fileGone();
    opened = await openRecords(readStoredXlsx(stored), "XLSX");
  } else {
    // an import uploaded before its file's kind was recorded: read whole
    const content = await readStoredFile(db, importId);
    if (!content) return fileGone();
    opened = await openRows(content, detectFile(content));
  }
  const target = await loadTarget(db, job.structureId);
  const applier = job.appliedById
    ? await db.account.findUnique({ where: { id: job.appliedById }, select: { email: true } })
    : null;
  const actor: AuditActor = {
    id: job.appliedById,
    label: applier?.email ?? "Import d'utilisateurs",
    ip: null,
    requestId: null,
  };
  const context: WriteContext = {
    importId,
    target,
    notify: job.notifyUsers,
    actor,
    now: options.now(),
    publicUrl: options.publicUrl,
  };

  const memory = newMemory();
  const resumedAt = job.appliedRows;
  let start = resumedAt;
  let seen = 0;
  let handled = 0;
  const records = opened.rows[Symbol.asyncIterator]();
  /**
   * The next batch of rows to apply (empty at the end of the file), and with `checkAhead` each row already checked
   * as a new account would be — while a batch creates accounts, most rows of the next one are new too.
   */
  const readBatch = async (checkAhead: boolean): Promise<Batch> => {
    const batch: FileRow[] = [];
    while (batch.length < batchRows) {
      const next = await records.next();
      if (next.done) break;
      const row = next.value;
      if (row.blank) continue;
      seen++;
      if (seen <= resumedAt) {
        // applied by an earlier run: only its address matters, for the duplicates further down
        claimEmail(memory, emailOf(row), row.line);
        continue;
      }
      batch.push(row);
    }
    const checked = new Map(checkAhead ? batch.map((row) => [row, checkAsCreation(row, context.target)]) : []);
    return { rows: batch, checked };
  };
  try {
    let batch = await readBatch(true);
    /** the last batch created accounts: check the next one's rows ahead as new ones */
    let creating = true;
    while (batch.rows.length > 0) {
      // the next batch is read (the file's next slice fetched, parsed, its cells made text, its rows checked) while
      // this one is written: Node works while PostgreSQL writes, instead of each waiting for the other
      const reading = readBatch(creating);
      reading.catch(() => {}); // awaited below; a batch that fails first must not leave it unhandled
      const applied = await applyBatch(db, batch, start, memory, context);
      if (applied === null) return handled;
      creating = applied.created > 0;
      start += batch.rows.length;
      handled += batch.rows.length;
      await options.afterBatch?.(importId, start);
      batch = await reading;
    }
  } catch (error) {
    if (!(error instanceof StoredFileGone)) throw error;
    await fileGone();
    return handled;
  }

  await db.$transaction(async (tx) => {
    const finished = await tx.importJob.updateManyAndReturn({
      where: { id: importId, status: "APPLYING", appliedRows: start },
      data: { status: "APPLIED", appliedAt: options.now() },
      select: { created: true, updated: true, unchanged: true, rejected: true, totalRows: true },
    });
    const counts = finished[0];
    if (!counts) return;
    await tx.auditEvent.create({
      data: {
        actorId: actor.id,
        actorLabel: actor.label.slice(0, 254),
        action: "account.import-applied",
        entityType: "import",
        entityId: importId,
        structureId: target.structureId,
        after: { fileName: job.fileName, ...counts },
      },
    });
  });
  return handled;
}

/** Rows to apply in one transaction, with those already checked as new accounts (see `checkAsCreation`). */
interface Batch {
  rows: readonly FileRow[];
  checked: ReadonlyMap<FileRow, CreationCheck>;
}

interface WriteContext {
  importId: string;
  target: ImportTarget;
  notify: boolean;
  actor: AuditActor;
  now: Date;
  publicUrl: string;
}

/**
 * One batch in one transaction, guarded by the import's row (locked): it applies only if the import is still
 * APPLYING at `start` — otherwise another run got there first and this one stops.
 */
async function applyBatch(
  db: Db,
  batch: Batch,
  start: number,
  memory: PlanMemory,
  context: WriteContext,
): Promise<{ created: number } | null> {
  return db.$transaction(
    async (tx) => {
      const [current] = await tx.$queryRaw<{ status: string; applied_rows: number }[]>`
        SELECT status::text AS status, applied_rows FROM import_job WHERE id = ${context.importId}::uuid FOR UPDATE`;
      if (current?.status !== "APPLYING" || current.applied_rows !== start) return null;
      memory.planned.clear(); // earlier batches are in the database now
      const plans = await planRows(tx, batch.rows, context.target, memory, batch.checked);
      const outcome = await writePlans(tx, plans, context);
      // updateMany: an update would answer the whole row, the stored file included, at every batch
      await tx.importJob.updateMany({
        where: { id: context.importId },
        data: {
          appliedRows: start + batch.rows.length,
          created: { increment: outcome.created },
          updated: { increment: outcome.updated },
          unchanged: { increment: outcome.unchanged },
          rejected: { increment: outcome.rejected },
        },
      });
      return { created: outcome.created };
    },
    { maxWait: 30_000, timeout: 10 * 60_000 },
  );
}

const STALE_ROW =
  "Ce compte a été modifié par quelqu'un d'autre pendant l'import : sa ligne n'a pas été appliquée, réimportez-la";

/** Makes a batch's plans: creations in one statement, updates one by one, then links, mails, audit, errors. */
async function writePlans(tx: DbTx, plans: readonly RowPlan[], context: WriteContext) {
  const { target } = context;
  const errors: RowError[] = [];
  const audit: AuditRow[] = [];
  const event = (entry: Omit<AuditRow, "actorId" | "actorLabel">) =>
    audit.push({ ...entry, actorId: context.actor.id, actorLabel: context.actor.label });
  let unchanged = 0;
  let rejected = 0;
  /** ORG/APP mailboxes whose connection accounts the batch sets; `created`: it has none yet */
  const sharedMailboxes: { mailboxId: string; emails: string[]; created: boolean }[] = [];

  const created = plans.flatMap((plan) => {
    if (plan.kind !== "create") return [];
    const { sortName, searchText, ...columns } = plan.columns;
    const noAddress = !columns.addressLine && !columns.postcode && !columns.city;
    const shared = plan.profile.type === "ORG" || plan.profile.type === "APP" ? plan.profile : null;
    const account: ImportedAccount = {
      ...columns,
      ...(noAddress ? target.address : {}),
      sortName,
      searchText,
      id: randomUUID(),
      email: plan.email,
      structureId: target.structureId,
      state: initialState(plan.profile.type, "IMPORT"),
      connectionAccounts: shared ? shared.connectionAccounts : null,
    };
    if (shared) sharedMailboxes.push({ mailboxId: account.id, emails: shared.connectionAccounts, created: true });
    return [{ plan, account }];
  });
  // with their "account.created" events
  await insertAccounts(
    tx,
    created.map(({ account }) => account),
    { actor: context.actor, importId: context.importId },
  );

  let updated = 0;
  for (const plan of plans) {
    if (plan.kind === "unchanged") unchanged++;
    if (plan.kind === "rejected") {
      rejected++;
      errors.push(...plan.errors);
    }
    if (plan.kind !== "update") continue;
    const { account, columns, profile } = plan;
    const result = await tx.account.updateMany({
      where: { id: account.id, version: account.version },
      data: { ...columns, version: { increment: 1 } },
    });
    if (result.count === 0) {
      rejected++;
      errors.push({ line: plan.line, column: headerOf("email"), value: plan.email, reason: STALE_ROW });
      continue;
    }
    updated++;
    if (plan.typeChanged) {
      // the account is no longer what it was: links that only fit the old type go (as the account form does)
      if (!TYPE_RULES[profile.type].sharedMailbox)
        await tx.connectionAccount.deleteMany({ where: { mailboxId: account.id } });
      if (profile.type === "ORG" || profile.type === "APP") {
        await tx.connectionAccount.deleteMany({ where: { accountId: account.id } });
      }
    }
    if (plan.setsConnections && (profile.type === "ORG" || profile.type === "APP")) {
      sharedMailboxes.push({ mailboxId: account.id, emails: profile.connectionAccounts, created: false });
    }
    event({
      action: plan.typeChanged ? "account.type-changed" : "account.updated",
      entityType: "account",
      entityId: account.id,
      structureId: account.structureId,
      before: auditable({ ...account }),
      after: { ...auditable(columns), importId: context.importId },
    });
  }

  if (sharedMailboxes.length > 0) {
    const accounts = await accountKinds(tx, [...new Set(sharedMailboxes.flatMap((mailbox) => mailbox.emails))]);
    const links: { mailboxId: string; accountId: string }[] = [];
    for (const { mailboxId, emails, created } of sharedMailboxes) {
      const accountIds = emails.flatMap((email) => {
        const id = accounts.get(email)?.id;
        return id && id !== mailboxId ? [id] : [];
      });
      // a new mailbox's links all go in one statement for the batch; an updated one keeps the settings of those
      // that stay
      if (created) links.push(...accountIds.map((accountId) => ({ mailboxId, accountId })));
      else await setConnectionAccounts(tx, mailboxId, accountIds);
    }
    await insertConnectionAccounts(tx, links);
  }

  // "Notifier les utilisateurs": the pre-registration mail (and its single-use link) to new MED, PER, INT accounts
  if (context.notify) {
    const invited = created
      .filter(({ account }) => account.state === "PREREGISTERED")
      .map(({ plan, account }) => ({ plan, account, id: randomUUID(), secret: randomToken() }));
    if (invited.length > 0) {
      const expiresAt = new Date(context.now.getTime() + LINK_VALIDITY_HOURS.REGISTRATION * 3_600_000);
      await tx.oneTimeCode.createMany({
        data: invited.map(({ id, account, secret }) => ({
          id,
          accountId: account.id,
          purpose: "REGISTRATION" as const,
          codeHash: hashToken(secret),
          expiresAt,
        })),
      });
      await tx.outboxMail.createMany({
        data: invited.map(({ id, secret, account, plan }) => {
          const link = `${context.publicUrl}/inscription/finaliser?jeton=${encodeURIComponent(`${id}.${secret}`)}`;
          const mail = preRegistrationMail(
            account,
            link,
            target.structureName,
            `import:${context.importId}:${plan.line}`,
            false,
          );
          return { ...mail, html: null };
        }),
        skipDuplicates: true,
      });
    }
  }

  await insertAuditEvents(tx, audit);
  await insertRowErrors(tx, context.importId, true, errors);
  return { created: created.length, updated, unchanged, rejected };
}

export const IMPORTS_JOB_NAMES = { imports: "accounts.import" } as const;

export function createImportsJobDefinitions(options: ImportsJobOptions): JobDefinition[] {
  return [
    {
      name: IMPORTS_JOB_NAMES.imports,
      label: "Imports d'utilisateurs",
      description:
        "Applique les imports d'utilisateurs confirmés (par lots, reprise après interruption) ; chaque heure, reprend un import interrompu et efface les fichiers importés depuis plus de 7 jours.",
      cron: "17 * * * *",
      handler: createImportsJob(options),
    },
  ];
}
