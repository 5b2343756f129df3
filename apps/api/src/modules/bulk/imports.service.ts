import { Readable } from "node:stream";
import {
  IMPORT_LIMITS,
  type ImportCounts,
  type ImportErrorsPage,
  type ImportSummary,
} from "@medimail/contracts/imports";
import { neutraliseCell } from "@medimail/contracts/loaduser";
import type { Db } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import type { FastifyBaseLogger } from "fastify";
import type { StartJobWithChange } from "../../jobs/job-triggers.ts";
import { AppError, conflict, notFound } from "../../lib/errors.ts";
import type { Scope } from "../../lib/scope.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import { checkXlsxZip, detectFile, type FileKind, ImportFileRefused } from "./imports.files.ts";
import { loadTarget, newMemory, planRows, type RowError } from "./imports.plan.ts";
import { insertRowErrors, storeFile } from "./imports.repository.ts";
import { type FileRow, openRows } from "./imports.rows.ts";

export interface ImportsServiceDeps {
  db: Db;
  scope: Scope;
  /** the apply's job run, recorded with the request (dispatched after it: a no-op without background) */
  startImport: StartJobWithChange;
  log: FastifyBaseLogger;
}

const IMPORT_NOT_FOUND = "Import introuvable";
/** Rows planned per dry-run batch (one round of reads each). */
const DRY_RUN_BATCH = 500;

const numberFr = new Intl.NumberFormat("fr-FR");
/** Unknown headers named in the dry run's warning; the others are counted. */
const UNKNOWN_HEADERS_SHOWN = 20;

export const fileTooLarge = () =>
  new AppError(
    413,
    "PAYLOAD_TOO_LARGE",
    `Fichier trop volumineux : ${IMPORT_LIMITS.fileBytes / 1024 / 1024} Mo au plus. Découpez-le en plusieurs fichiers.`,
  );

const tooManyRows = () =>
  new ImportFileRefused(
    `Le fichier compte plus de ${numberFr.format(IMPORT_LIMITS.rows)} lignes d'utilisateurs : découpez-le en plusieurs fichiers.`,
  );

/** What the dry run leaves in the import's `report`. */
export interface ImportReport {
  dryRun: ImportCounts;
  warnings: string[];
  /** the file as the upload read it: the apply reads a CSV again without detecting its encoding on the whole file */
  kind?: FileKind;
}

const SUMMARY_SELECT = {
  id: true,
  structureId: true,
  fileName: true,
  fileSize: true,
  format: true,
  status: true,
  createdAt: true,
  totalRows: true,
  notifyUsers: true,
  appliedRows: true,
  created: true,
  updated: true,
  unchanged: true,
  rejected: true,
  appliedAt: true,
  error: true,
  report: true,
} as const;

/** "Importer une liste d'utilisateurs": upload and dry run, follow-up, rejected rows, apply. */
export function createImportsService({ db, scope, startImport, log }: ImportsServiceDeps) {
  async function requireImport(
    principal: Principal,
    structureId: string,
    importId: string,
    need: "read" | "administer",
  ) {
    await scope.require(principal, need, structureId);
    const found = await db.importJob.findFirst({ where: { id: importId, structureId }, select: SUMMARY_SELECT });
    if (!found) throw notFound(IMPORT_NOT_FOUND);
    return found;
  }

  async function summary(found: Awaited<ReturnType<typeof requireImport>>): Promise<ImportSummary> {
    const [kept] = await db.$queryRaw<{ kept: boolean }[]>`
      SELECT content IS NOT NULL AS kept FROM import_job WHERE id = ${found.id}::uuid`;
    const report = (found.report ?? null) as ImportReport | null;
    return {
      id: found.id,
      structureId: found.structureId,
      fileName: found.fileName,
      fileSize: found.fileSize,
      format: found.format === "XLSX" ? "XLSX" : "CSV",
      status: found.status,
      createdAt: found.createdAt.toISOString(),
      totalRows: found.totalRows,
      dryRun: report?.dryRun ?? { create: 0, update: 0, unchanged: 0, rejected: 0 },
      warnings: report?.warnings ?? [],
      notifyUsers: found.notifyUsers,
      appliedRows: found.appliedRows,
      applied: { created: found.created, updated: found.updated, unchanged: found.unchanged, rejected: found.rejected },
      appliedAt: found.appliedAt?.toISOString() ?? null,
      error: found.error,
      fileKept: kept?.kept ?? false,
    };
  }

  return {
    /**
     * Upload and dry run in one request: the file is checked (kind from its bytes, zip bomb, headers) before
     * anything is stored — a refused file leaves nothing behind — then stored and every row planned without
     * changing any account. Every rejected row is kept for the screen and the error file.
     */
    async upload(
      principal: Principal,
      structureId: string,
      fileName: string,
      content: Buffer,
      requesterId: string,
    ): Promise<ImportSummary> {
      await scope.require(principal, "administer", structureId);
      if (content.length > IMPORT_LIMITS.fileBytes) throw fileTooLarge();
      const kind = detectFile(content);
      if (kind.format === "XLSX") await checkXlsxZip(content);
      const opened = await openRows(content, kind);
      const warnings: string[] = [];
      const extension = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? "";
      if (kind.format === "CSV" && (extension === "xlsx" || extension === "xls")) {
        warnings.push(`Ce fichier nommé .${extension} est en réalité un fichier texte (CSV) : il a été lu comme tel.`);
      }
      if (kind.format === "XLSX" && extension === "xls") {
        warnings.push("Ce fichier nommé .xls est en réalité un classeur XLSX : il a été lu comme tel.");
      }
      if (kind.format === "CSV" && kind.encoding === "windows-1252") {
        warnings.push(
          "Ce fichier n'est pas en UTF-8 : il a été lu en Windows-1252 (l'encodage des CSV d'Excel sous Windows). " +
            "Vérifiez les accents des lignes ci-dessous ; au besoin, enregistrez-le en « CSV UTF-8 ».",
        );
      }
      if (opened.header.unknown.length > 0) {
        // a header may have up to 200 unknown cells of 32,767 characters: the warning names the first ones, cut
        const shown = opened.header.unknown.slice(0, UNKNOWN_HEADERS_SHOWN);
        const more = opened.header.unknown.length - shown.length;
        const list =
          shown.map((header) => `« ${header.length > 80 ? `${header.slice(0, 80)}…` : header} »`).join(", ") +
          (more > 0 ? ` et ${more} autre${more > 1 ? "s" : ""}` : "");
        warnings.push(
          `${opened.header.unknown.length > 1 ? "Colonnes inconnues ignorées" : "Colonne inconnue ignorée"} : ${list}.`,
        );
      }
      // the rows are counted first (a read without planning: about a second for 100,000 rows), so that too long a
      // file is refused at once, before anything is stored
      let total = 0;
      for await (const row of opened.rows) {
        if (!row.blank && ++total > IMPORT_LIMITS.rows) throw tooManyRows();
      }
      if (total === 0) {
        throw new ImportFileRefused("Le fichier ne contient que la ligne d'en-tête : aucun utilisateur à importer.");
      }
      const target = await loadTarget(db, structureId);
      const { id } = await db.importJob.create({
        data: {
          structureId,
          requestedById: requesterId,
          fileName,
          fileSize: content.length,
          format: kind.format,
        },
        select: { id: true },
      });
      try {
        await storeFile(db, id, content);
        const counts: ImportCounts = { create: 0, update: 0, unchanged: 0, rejected: 0 };
        const memory = newMemory();
        const { rows } = await openRows(content, kind);
        let planned = 0;
        let batch: FileRow[] = [];
        const flush = async () => {
          const plans = await planRows(db, batch, target, memory);
          batch = [];
          const errors: RowError[] = [];
          for (const plan of plans) {
            if (plan.kind === "create") counts.create++;
            else if (plan.kind === "update") counts.update++;
            else if (plan.kind === "unchanged") counts.unchanged++;
            else {
              counts.rejected++;
              errors.push(...plan.errors);
            }
          }
          await insertRowErrors(db, id, false, errors);
        };
        for await (const row of rows) {
          if (row.blank) continue;
          if (++planned > IMPORT_LIMITS.rows) throw tooManyRows();
          batch.push(row);
          if (batch.length >= DRY_RUN_BATCH) await flush();
        }
        if (batch.length > 0) await flush();
        const report: ImportReport = { dryRun: counts, warnings, kind };
        // (updateMany and deleteMany: update and delete would answer the whole row, the stored file included)
        await db.importJob.updateMany({
          where: { id },
          data: { status: "DRY_RUN_DONE", totalRows: total, report: report as object },
        });
      } catch (error) {
        // nothing of a refused or interrupted analysis stays (its rejected rows go with it)
        await db.importJob.deleteMany({ where: { id } }).catch((cleanup: Error) => {
          log.warn({ err: cleanup, importId: id }, "could not delete an interrupted import");
        });
        throw error;
      }
      return summary(await requireImport(principal, structureId, id, "administer"));
    },

    async get(principal: Principal, structureId: string, importId: string): Promise<ImportSummary> {
      return summary(await requireImport(principal, structureId, importId, "read"));
    },

    async errors(
      principal: Principal,
      structureId: string,
      importId: string,
      query: { atApply?: boolean; page: number; limit: number },
    ): Promise<ImportErrorsPage> {
      await requireImport(principal, structureId, importId, "read");
      const where = { importId, atApply: query.atApply ?? false };
      const [items, total] = await Promise.all([
        db.importRowError.findMany({
          where,
          orderBy: { id: "asc" },
          skip: (query.page - 1) * query.limit,
          take: query.limit,
          select: { line: true, column: true, value: true, reason: true },
        }),
        db.importRowError.count({ where }),
      ]);
      return { items, total };
    },

    /**
     * The error file: every rejected row (line, column, value, reason), as a CSV that Excel opens (UTF-8 with BOM,
     * semicolons), read from the database in slices and streamed. Cells that a spreadsheet would run as formulas
     * are neutralised: the values come from the uploaded file.
     */
    async errorFile(principal: Principal, structureId: string, importId: string, atApply: boolean) {
      const found = await requireImport(principal, structureId, importId, "read");
      const base = found.fileName.replace(/\.[^.]*$/, "").replace(/[^\p{L}\p{N}._-]+/gu, "_") || "import";
      async function* lines() {
        yield "\uFEFFLigne;Colonne;Valeur;Motif\r\n";
        let after = 0n;
        while (true) {
          const slice = await db.importRowError.findMany({
            where: { importId, atApply, id: { gt: after } },
            orderBy: { id: "asc" },
            take: 5_000,
          });
          if (slice.length === 0) return;
          yield slice
            .map((error) =>
              [String(error.line), error.column ?? "", error.value ?? "", error.reason].map(csvCell).join(";"),
            )
            .join("\r\n")
            .concat("\r\n");
          after = slice[slice.length - 1]?.id ?? after;
        }
      }
      return { fileName: `erreurs-${base}.csv`, stream: Readable.from(lines()) };
    },

    /** "Appliquer l'import": the import goes APPLYING and a run of the job is recorded, then handed to the queue. */
    async apply(
      principal: Principal,
      structureId: string,
      importId: string,
      notifyUsers: boolean,
      actor: AuditActor,
    ): Promise<ImportSummary> {
      const found = await requireImport(principal, structureId, importId, "administer");
      const [kept] = await db.$queryRaw<{ kept: boolean }[]>`
        SELECT content IS NOT NULL AS kept FROM import_job WHERE id = ${importId}::uuid`;
      if (!kept?.kept) {
        throw conflict("Le fichier de cet import a été effacé (ils sont gardés 7 jours) : déposez-le à nouveau.");
      }
      const run = await db.$transaction(async (tx) => {
        const claimed = await tx.importJob.updateMany({
          where: { id: importId, status: "DRY_RUN_DONE" },
          data: { status: "APPLYING", notifyUsers, appliedById: actor.id },
        });
        if (claimed.count === 0) {
          throw conflict(
            found.status === "APPLIED"
              ? "Cet import a déjà été appliqué. Pour importer à nouveau ce fichier, déposez-le une nouvelle fois."
              : found.status === "APPLYING"
                ? "Cet import est déjà en cours."
                : "Cet import ne peut pas être appliqué dans son état actuel.",
          );
        }
        await recordAudit(tx, actor, {
          action: "account.import-requested",
          entityType: "import",
          entityId: importId,
          structureId,
          after: {
            fileName: found.fileName,
            totalRows: found.totalRows,
            dryRun: (found.report as ImportReport | null)?.dryRun ?? null,
            notifyUsers,
          },
        });
        return startImport.record(tx, { requestedBy: actor.id });
      });
      // if this fails, the scheduler hands the recorded run over again within a minute
      await startImport
        .dispatch(run)
        .catch((error: Error) =>
          log.warn({ err: error, importId }, "could not dispatch the import: the scheduler will"),
        );
      return summary(await requireImport(principal, structureId, importId, "read"));
    },
  };
}
export type ImportsService = ReturnType<typeof createImportsService>;

function csvCell(text: string): string {
  const safe = neutraliseCell(text);
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
