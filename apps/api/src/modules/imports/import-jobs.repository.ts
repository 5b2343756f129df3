// The imports' own rows: an import's state, counts and report (import_job), its rejected rows (import_row_error),
// and the file it keeps, stored and read back straight through the connection pool.
import type { ImportCounts } from "@medimail/contracts/imports";
import { type Db, type DbTx, poolOf } from "@medimail/db/client";
import { type FileKind, StoredFileGone } from "./imports-files.ts";
import type { ZipBytes } from "./imports-xlsx.ts";

/** What the dry run leaves in the import's `report`. */
export interface ImportReport {
  dryRun: ImportCounts;
  warnings: string[];
  /** the file as the upload read it: the apply reads a CSV again without detecting its encoding on the whole file */
  kind?: FileKind;
}

export interface RowErrorRow {
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
}

/** What an import's summary shows (never its stored file). */
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

// (updateMany and deleteMany below: update and delete would answer the whole row, the stored file included)
export function createImportJobsRepository(db: DbTx) {
  return {
    /** An import of this structure, as its summary shows it; null when there is none. */
    find(importId: string, structureId: string) {
      return db.importJob.findFirst({ where: { id: importId, structureId }, select: SUMMARY_SELECT });
    },

    /** Whether the import still has its file (files are emptied after a few days). */
    async fileKept(importId: string): Promise<boolean> {
      const [kept] = await db.$queryRaw<{ kept: boolean }[]>`
        SELECT content IS NOT NULL AS kept FROM import_job WHERE id = ${importId}::uuid`;
      return kept?.kept ?? false;
    },

    /** A new import, before its dry run; answers its id. */
    async create(data: {
      structureId: string;
      requestedById: string;
      fileName: string;
      fileSize: number;
      format: FileKind["format"];
    }): Promise<string> {
      const { id } = await db.importJob.create({ data, select: { id: true } });
      return id;
    },

    /** The dry run is done: the rows counted and its report. */
    async markDryRunDone(importId: string, totalRows: number, report: ImportReport): Promise<void> {
      await db.importJob.updateMany({
        where: { id: importId },
        data: { status: "DRY_RUN_DONE", totalRows, report: report as object },
      });
    },

    /** Deletes an import (its rejected rows go with it). */
    async delete(importId: string): Promise<void> {
      await db.importJob.deleteMany({ where: { id: importId } });
    },

    /** A page of an import's rejected rows (of the dry run, or of the apply), and how many there are. */
    async rowErrorsPage(importId: string, atApply: boolean, { page, limit }: { page: number; limit: number }) {
      const where = { importId, atApply };
      const [items, total] = await Promise.all([
        db.importRowError.findMany({
          where,
          orderBy: { id: "asc" },
          skip: (page - 1) * limit,
          take: limit,
          select: { line: true, column: true, value: true, reason: true },
        }),
        db.importRowError.count({ where }),
      ]);
      return { items, total };
    },

    /** The next `take` rejected rows after the one with id `after` (0: from the first), in order. */
    rowErrorsAfter(importId: string, atApply: boolean, after: bigint, take: number) {
      return db.importRowError.findMany({
        where: { importId, atApply, id: { gt: after } },
        orderBy: { id: "asc" },
        take,
      });
    },

    /** Stores rejected rows in one statement. */
    async insertRowErrors(importId: string, atApply: boolean, errors: readonly RowErrorRow[]): Promise<void> {
      if (errors.length === 0) return;
      await db.$executeRaw`
        INSERT INTO import_row_error (import_id, at_apply, line, "column", value, reason)
        SELECT ${importId}::uuid, ${atApply}, * FROM unnest(
          ${errors.map((error) => error.line)}::int[], ${errors.map((error) => error.column)}::text[],
          ${errors.map((error) => error.value)}::text[], ${errors.map((error) => error.reason)}::text[])`;
    },

    /** Takes a dry-run import to APPLYING; false when it is no longer waiting for its apply. */
    async claimForApply(importId: string, notifyUsers: boolean, appliedById: string | null): Promise<boolean> {
      const claimed = await db.importJob.updateMany({
        where: { id: importId, status: "DRY_RUN_DONE" },
        data: { status: "APPLYING", notifyUsers, appliedById },
      });
      return claimed.count > 0;
    },

    /** Empties the files of the imports created before `before`, but not while they are applied; answers how many. */
    async purgeFilesBefore(before: Date): Promise<number> {
      const purged = await db.importJob.updateMany({
        where: { createdAt: { lt: before }, status: { not: "APPLYING" }, content: { not: null } },
        data: { content: null },
      });
      return purged.count;
    },

    /** The imports waiting in APPLYING, oldest first. */
    async applying(): Promise<string[]> {
      const waiting = await db.importJob.findMany({
        where: { status: "APPLYING" },
        orderBy: { createdAt: "asc" },
        select: { id: true },
      });
      return waiting.map(({ id }) => id);
    },

    /** An import being applied fails, with the reason (an import no longer APPLYING is left as it is). */
    async markFailed(importId: string, error: string): Promise<void> {
      await db.importJob.updateMany({ where: { id: importId, status: "APPLYING" }, data: { status: "FAILED", error } });
    },

    /** What the apply reads of an import; null when there is none. */
    forApply(importId: string) {
      return db.importJob.findUnique({
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
    },

    /** Locks the import's row for a batch of its apply: its status and the rows applied so far. */
    async lockProgress(importId: string): Promise<{ status: string; appliedRows: number } | null> {
      const [current] = await db.$queryRaw<{ status: string; applied_rows: number }[]>`
        SELECT status::text AS status, applied_rows FROM import_job WHERE id = ${importId}::uuid FOR UPDATE`;
      return current ? { status: current.status, appliedRows: current.applied_rows } : null;
    },

    /** A batch is applied: the rows applied so far, and what the batch adds to the counts. */
    async advance(
      importId: string,
      appliedRows: number,
      outcome: { created: number; updated: number; unchanged: number; rejected: number },
    ): Promise<void> {
      await db.importJob.updateMany({
        where: { id: importId },
        data: {
          appliedRows,
          created: { increment: outcome.created },
          updated: { increment: outcome.updated },
          unchanged: { increment: outcome.unchanged },
          rejected: { increment: outcome.rejected },
        },
      });
    },

    /**
     * The import is applied, if it is still APPLYING with `appliedRows` rows applied: answers its counts, or null
     * when another run got there first.
     */
    async finish(importId: string, appliedRows: number, appliedAt: Date) {
      const finished = await db.importJob.updateManyAndReturn({
        where: { id: importId, status: "APPLYING", appliedRows },
        data: { status: "APPLIED", appliedAt },
        select: { created: true, updated: true, unchanged: true, rejected: true, totalRows: true },
      });
      return finished[0] ?? null;
    },
  };
}
export type ImportJobsRepository = ReturnType<typeof createImportJobsRepository>;

/** Slices of the stored file read at a time: each travels as hex text twice its size. */
const FILE_SLICE = 1024 * 1024;

/** An import's stored file: written whole at the upload, read back a slice at a time by the apply. */
export function createImportFilesRepository(db: Db) {
  /**
   * Stores an import's file. Straight through the connection pool rather than Prisma, which would keep a copy of
   * so large a parameter in its debug history (see `poolOf`): sent as binary, the file costs no more than itself.
   */
  async function storeFile(importId: string, content: Buffer): Promise<void> {
    await poolOf(db).query("UPDATE import_job SET content = $1 WHERE id = $2::uuid", [content, importId]);
  }

  /**
   * The stored file of an import, to be read a megabyte at a time (one 20 MB answer would be 40 MB of hex text at
   * once, held while the reader works through it); null once purged. `slices()` reads them as the reader asks for them: a CSV's apply then never holds the whole file.
   */
  async function storedFile(
    importId: string,
  ): Promise<{ size: number; slices: () => AsyncGenerator<Buffer>; ranges: ZipBytes["ranges"] } | null> {
    const pool = poolOf(db);
    const found = await pool.query<{ size: number | null }>(
      "SELECT octet_length(content) AS size FROM import_job WHERE id = $1::uuid",
      [importId],
    );
    const storedSize = found.rows[0]?.size;
    if (storedSize === undefined || storedSize === null) return null;
    const size: number = storedSize;
    async function* ranges(from: number, length: number): AsyncGenerator<Buffer> {
      const until = Math.min(from + length, size);
      for (let offset = from; offset < until; offset += FILE_SLICE) {
        const wanted = Math.min(FILE_SLICE, until - offset);
        const slice = await pool.query<{ bytes: Buffer | null }>(
          "SELECT substring(content FROM $1::int FOR $2::int) AS bytes FROM import_job WHERE id = $3::uuid",
          [offset + 1, wanted, importId],
        );
        const bytes = slice.rows[0]?.bytes;
        if (!bytes || bytes.length !== wanted) throw new StoredFileGone();
        yield bytes;
      }
    }
    return { size, slices: () => ranges(0, size), ranges };
  }

  /** The stored file of an import whole (an XLSX is read by its end first), or null once purged. */
  async function readStoredFile(importId: string): Promise<Buffer | null> {
    const stored = await storedFile(importId);
    if (!stored) return null;
    // each slice is copied into the file as it comes: keeping the slices to join them at the end would hold the
    // file twice at that moment (the import's peak of memory, measured)
    const file = Buffer.allocUnsafe(stored.size);
    let offset = 0;
    try {
      for await (const slice of stored.slices()) {
        slice.copy(file, offset);
        offset += slice.length;
      }
    } catch (error) {
      if (error instanceof StoredFileGone) return null;
      throw error;
    }
    return file;
  }

  return { storeFile, storedFile, readStoredFile };
}
