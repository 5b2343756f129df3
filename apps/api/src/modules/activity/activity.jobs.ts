import { randomUUID } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type ActivityCriteria, type ActivityExportFormat, messageDirectionLabels } from "@medimail/contracts/activity";
import { neutraliseCell } from "@medimail/contracts/loaduser";
import type { Db } from "@medimail/db/client";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { createActivityRepository, type MessageFilter } from "./activity.repository.ts";
import { EXPORT_EXTENSIONS, openSink } from "./activity-export.writer.ts";

/** What an activity export request keeps in `params`: the criteria and the instants they stand for. */
export interface ActivityExportParams {
  criteria: ActivityCriteria;
  /** ISO instant, included; null = from the first message */
  since: string | null;
  /** ISO instant, excluded: the end of the chosen days, never after the request */
  until: string;
}

export interface ActivityExportJobOptions {
  exportsDir: string;
  /** how long a file stays downloadable */
  retentionHours: number;
  /** how long a run holds a request without showing progress before another run may take it over */
  leaseSeconds?: number;
  /** called before each batch is read (tests use it to stop a run half-way, as a killed process would) */
  beforeBatch?: (exportId: string, rowsWritten: number) => Promise<void>;
  /** rows read per query (default EXPORT_BATCH_ROWS) */
  batchRows?: number;
}

/** Rows read per query: ~2 MB of lines at a time, whatever the size of the export. */
const EXPORT_BATCH_ROWS = 5_000;
/** A temporary file older than this belongs to a run that died: removed by the expiry job. */
const ORPHAN_TEMP_HOURS = 24;

class LeaseLost extends Error {}

export const exportFileName = (id: string, format: ActivityExportFormat) => `${id}.${EXPORT_EXTENSIONS[format]}`;

/**
 * Writes the files of the activity export requests, oldest first. Each request is claimed with a lease (status
 * RUNNING, claimed_by, lease_until) renewed at every batch: a run that dies leaves its request RUNNING, and once
 * the lease lapses the next run (every minute, or the next request's) takes it over. The file is written under a
 * temporary name of its own and renamed into place before the request is marked DONE by the run that still holds
 * it, so a rerun — even overlapping a slow one — produces the file once, and a partial file is never served.
 */
export function createActivityExportJob({
  exportsDir,
  retentionHours,
  leaseSeconds = 120,
  beforeBatch,
  batchRows = EXPORT_BATCH_ROWS,
}: ActivityExportJobOptions) {
  return async function processActivityExports({ db, clock, log, runId }: JobContext): Promise<JobResult> {
    await mkdir(exportsDir, { recursive: true });
    let processed = 0;
    let failed = 0;
    const seen = new Set<string>();
    for (;;) {
      const now = clock.now();
      const candidates = await db.exportRequest.findMany({
        where: { kind: "ACTIVITY", id: { notIn: [...seen] }, ...claimable(now) },
        orderBy: { requestedAt: "asc" },
        take: 10,
        select: { id: true },
      });
      if (candidates.length === 0) break;
      for (const { id } of candidates) {
        seen.add(id);
        const token = `${runId}:${randomUUID().slice(0, 8)}`;
        const outcome = await exportOne(db, id, token).catch(async (error: Error) => {
          if (error instanceof LeaseLost) return "lost" as const;
          log.error({ err: error, exportId: id }, "activity export failed");
          await db.exportRequest.updateMany({
            where: { id, claimedBy: token },
            data: {
              status: "FAILED",
              error:
                "L'export n'a pas pu être produit. Demandez-le à nouveau ; si l'erreur persiste, contactez le support.",
              leaseUntil: null,
            },
          });
          return "failed" as const;
        });
        if (outcome === "done") processed += 1;
        if (outcome === "failed") failed += 1;
      }
    }
    return { processed, failed };

    async function exportOne(db: Db, id: string, token: string): Promise<"done" | "skipped"> {
      const leaseEnd = () => new Date(clock.now().getTime() + leaseSeconds * 1000);
      const claimed = await db.exportRequest.updateMany({
        where: { id, kind: "ACTIVITY", ...claimable(clock.now()) },
        data: { status: "RUNNING", claimedBy: token, leaseUntil: leaseEnd(), progress: 0, error: null },
      });
      if (claimed.count === 0) return "skipped"; // done meanwhile, or held by a live run
      const request = await db.exportRequest.findUniqueOrThrow({ where: { id } });
      const params = request.params as unknown as ActivityExportParams;
      const format = request.format as ActivityExportFormat;
      const repository = createActivityRepository(db);
      const structureIds = await repository.structureIds(request.structureId, params.criteria.daughters);
      const names = await repository.structureNames(structureIds);
      const filter: Omit<MessageFilter, "structureIds"> = {
        address: params.criteria.address,
        direction: params.criteria.direction,
        since: params.since ? new Date(params.since) : undefined,
        until: new Date(params.until),
      };
      const total = await repository.count({ structureIds, ...filter });

      const finalName = exportFileName(id, format);
      const temporary = path.join(exportsDir, `${finalName}.${token.replace(/[^\w-]/g, "_")}.tmp`);
      const sink = await openSink(format, temporary);
      let written = 0;
      let lastProgressAt = 0;
      try {
        // structure after structure (tree order), each newest first: every batch is a range of one index
        for (const structureId of structureIds) {
          const structureName = names.get(structureId) ?? "";
          let after: { sentAt: Date; id: string } | null = null;
          for (;;) {
            await beforeBatch?.(id, written);
            const lines = await repository.exportBatch(structureId, filter, after, batchRows);
            for (const line of lines) {
              await sink.write([
                line.paris_time,
                neutraliseCell(line.sender),
                neutraliseCell(line.recipients.join(", ")),
                messageDirectionLabels[line.direction],
                neutraliseCell(line.address),
                neutraliseCell(structureName),
                format === "CSV" ? String(line.size_bytes) : line.size_bytes,
                line.is_mss ? "Oui" : "Non",
              ]);
            }
            written += lines.length;
            // progress at most every half second; renewing the lease tells whether this run still holds it
            if (Date.now() - lastProgressAt >= 500 || lines.length < batchRows) {
              lastProgressAt = Date.now();
              const progress = total === 0 ? 99 : Math.min(99, Math.floor((written / total) * 100));
              const renewed = await db.exportRequest.updateMany({
                where: { id, claimedBy: token, status: "RUNNING" },
                data: { progress, leaseUntil: leaseEnd() },
              });
              if (renewed.count === 0) throw new LeaseLost();
            }
            const last = lines.at(-1);
            if (!last || lines.length < batchRows) break;
            after = { sentAt: last.sent_at, id: last.id };
          }
        }
        await sink.close();
      } catch (error) {
        await sink.close().catch(() => undefined);
        await rm(temporary, { force: true });
        throw error;
      }

      // Still ours? Then the file goes into place and the request is done. Another run that took over after a
      // lapsed lease writes the same rows under the same final name: whichever renames last, the file is whole.
      const stillOurs = await db.exportRequest.count({ where: { id, claimedBy: token, status: "RUNNING" } });
      if (stillOurs === 0) {
        await rm(temporary, { force: true });
        throw new LeaseLost();
      }
      await rename(temporary, path.join(exportsDir, finalName));
      const processedAt = clock.now();
      const done = await db.exportRequest.updateMany({
        where: { id, claimedBy: token, status: "RUNNING" },
        data: {
          status: "DONE",
          progress: 100,
          rowCount: written,
          filePath: finalName,
          processedAt,
          expiresAt: new Date(processedAt.getTime() + retentionHours * 3_600_000),
          leaseUntil: null,
        },
      });
      if (done.count === 0) throw new LeaseLost();
      return "done";
    }
  };
}

/** Waiting, or running under a lease that lapsed (its run died). */
function claimable(now: Date) {
  return {
    OR: [
      { status: "PENDING" as const },
      { status: "RUNNING" as const, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    ],
  };
}

/**
 * Deletes the files of expired exports (the request stays in the history as EXPIRED) and the temporary files
 * that runs which died left behind. Idempotent: a file already gone is fine.
 */
export function createExportExpiryJob({ exportsDir }: { exportsDir: string }) {
  return async function expireActivityExports({ db, clock, batchSize }: JobContext): Promise<JobResult> {
    let processed = 0;
    for (;;) {
      const expired = await db.exportRequest.findMany({
        where: { kind: "ACTIVITY", status: "DONE", expiresAt: { lte: clock.now() } },
        take: batchSize,
        select: { id: true, filePath: true },
      });
      if (expired.length === 0) break;
      for (const request of expired) {
        if (request.filePath) await rm(path.join(exportsDir, path.basename(request.filePath)), { force: true });
        await db.exportRequest.updateMany({
          where: { id: request.id, status: "DONE" },
          data: { status: "EXPIRED", filePath: null },
        });
        processed += 1;
      }
    }
    const entries = await readdir(exportsDir).catch(() => [] as string[]);
    for (const entry of entries.filter((name) => name.endsWith(".tmp"))) {
      const file = path.join(exportsDir, entry);
      const info = await stat(file).catch(() => null);
      if (info && clock.now().getTime() - info.mtimeMs > ORPHAN_TEMP_HOURS * 3_600_000) await rm(file, { force: true });
    }
    return { processed, failed: 0 };
  };
}

export const ACTIVITY_JOB_NAMES = {
  exports: "activity.exports",
  expiry: "activity.exports-expiry",
} as const;

/** The activity section's jobs. */
export function createActivityJobDefinitions({
  exportsDir,
  retentionHours,
}: {
  exportsDir: string;
  retentionHours: number;
}): JobDefinition[] {
  return [
    {
      name: ACTIVITY_JOB_NAMES.exports,
      label: "Exports de l'activité",
      description:
        "Produit les fichiers des exports demandés dans « Activité structure » ; reprend ceux d'un traitement interrompu.",
      // at once after each request (a trigger given to the service); every minute for those whose run died
      cron: "* * * * *",
      handler: createActivityExportJob({ exportsDir, retentionHours }),
    },
    {
      name: ACTIVITY_JOB_NAMES.expiry,
      label: "Expiration des exports",
      description: "Supprime les fichiers d'export arrivés à expiration (la demande reste dans l'historique).",
      cron: "15 * * * *",
      handler: createExportExpiryJob({ exportsDir }),
    },
  ];
}
