import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import {
  ACTIVITY_LIST_LIMIT,
  ACTIVITY_MAX_ACTIVE_EXPORTS,
  type ActivityCriteria,
  type ActivityExportFormat,
  type ActivityExportList,
  type ActivityExportRequest,
  type ActivityExportView,
  type ActivitySearchQuery,
  type ActivitySearchResponse,
} from "@medimail/contracts/activity";
import type { Db, ExportRequest } from "@medimail/db/client";
import { decide, type Principal } from "@medimail/domain/access";
import { nextParisDay, parisDayStart } from "@medimail/domain/paris-time";
import type { Clock } from "../../jobs/job-definition.ts";
import { AppError, conflict, notFound } from "../../lib/errors.ts";
import type { Scope } from "../../lib/scope.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import type { ActivityExportParams } from "./activity.jobs.ts";
import { createActivityRepository } from "./activity.repository.ts";
import { EXPORT_CONTENT_TYPES, EXPORT_EXTENSIONS } from "./activity-export.writer.ts";
import { createActivityExportsRepository } from "./activity-exports.repository.ts";
import { chartDays, filterOf, periodInstants } from "./activity-period.ts";

/** Asks for the export job to run now, after the request's transaction committed (no-op without workers). */
export type StartExportsSoon = () => void;

export interface ActivityServiceDeps {
  db: Db;
  scope: Scope;
  exportsDir: string;
  startExportsSoon?: StartExportsSoon;
  clock?: Clock;
}

const EXPORT_NOT_FOUND = "Export introuvable";
const HISTORY_SIZE = 50;

/** "Activité structure": search of the message log, chart per day, export requests and their files. */
export function createActivityService({
  db,
  scope,
  exportsDir,
  startExportsSoon = () => undefined,
  clock = { now: () => new Date() },
}: ActivityServiceDeps) {
  const repository = createActivityRepository(db);
  const exports = createActivityExportsRepository(db);

  const view = (request: ExportRequest, requesters: Map<string, string>): ActivityExportView => {
    const params = request.params as unknown as ActivityExportParams;
    return {
      id: request.id,
      format: request.format as ActivityExportFormat,
      status: request.status,
      progress: request.progress,
      rowCount: request.rowCount,
      requestedAt: request.requestedAt.toISOString(),
      requestedBy: requesters.get(request.requestedById) ?? "",
      processedAt: request.processedAt?.toISOString() ?? null,
      expiresAt: request.expiresAt?.toISOString() ?? null,
      period: { from: params.since, to: params.until },
      criteria: {
        ...(params.criteria.address ? { address: params.criteria.address } : {}),
        ...(params.criteria.direction ? { direction: params.criteria.direction } : {}),
        daughters: params.criteria.daughters,
      },
      error: request.error,
    };
  };

  return {
    async search(
      principal: Principal,
      structureId: string,
      query: ActivitySearchQuery,
    ): Promise<ActivitySearchResponse> {
      await scope.require(principal, "read", structureId);
      const structureIds = await repository.structureIds(structureId, query.daughters ?? false);
      const days = chartDays(query, clock.now());
      const first = days[0];
      const last = days.at(-1);
      // the chart of whole structures comes from the daily counts; an address's lines are counted one by one
      const chartCounts = () => {
        if (!first || !last) return Promise.resolve([]);
        if (!query.address) {
          return repository.dayCounts({ structureIds, from: first, to: last, direction: query.direction });
        }
        const chartDaysInstants = { since: parisDayStart(first), until: parisDayStart(nextParisDay(last)) };
        return repository.perDay({ ...filterOf(structureIds, query), ...chartDaysInstants });
      };
      const [rows, perDay, names] = await Promise.all([
        repository.latest(filterOf(structureIds, query), ACTIVITY_LIST_LIMIT + 1),
        chartCounts(),
        repository.structureNames(structureIds),
      ]);
      const byDay = new Map(perDay.map((row) => [row.day, row]));
      const chart = days.map((day) => ({
        day,
        sent: byDay.get(day)?.sent ?? 0,
        received: byDay.get(day)?.received ?? 0,
      }));
      return {
        items: rows.slice(0, ACTIVITY_LIST_LIMIT).map((row) => ({
          id: row.id,
          sentAt: row.sent_at.toISOString(),
          address: row.address,
          direction: row.direction,
          sender: row.sender,
          recipients: row.recipients,
          sizeBytes: row.size_bytes,
          isMss: row.is_mss,
          structureName: names.get(row.structure_id) ?? "",
        })),
        more: rows.length > ACTIVITY_LIST_LIMIT,
        chart: { from: first ?? "", to: last ?? "", days: chart },
        chartTotal: chart.reduce((sum, day) => sum + day.sent + day.received, 0),
      };
    },

    /** The structure's export history (latest first), with the caller's running exports against the limit. */
    async listExports(principal: Principal, structureId: string): Promise<ActivityExportList> {
      await scope.require(principal, "read", structureId);
      const [requests, activeOfCaller, ancestry] = await Promise.all([
        exports.history(structureId, HISTORY_SIZE),
        exports.activeCountOf(principal.accountId),
        scope.ancestry(structureId),
      ]);
      const requesters = await exports.emailsOf(requests.map((request) => request.requestedById));
      return {
        items: requests.map((request) => view(request, requesters)),
        activeOfCaller,
        maxActive: ACTIVITY_MAX_ACTIVE_EXPORTS,
        mayRequest: decide(principal, "administer", ancestry) === "allow",
      };
    },

    /**
     * Records an export request (audited) and starts the job. Support staff read the activity but do not
     * request exports (a file of personal data leaving the console is an administrator's act); a user has at
     * most ACTIVITY_MAX_ACTIVE_EXPORTS waiting or running at once.
     */
    async requestExport(
      principal: Principal,
      actor: AuditActor,
      structureId: string,
      body: ActivityExportRequest,
    ): Promise<ActivityExportView> {
      await scope.require(principal, "administer", structureId);
      const criteria: ActivityCriteria = body.criteria;
      const now = clock.now();
      const { since, until } = periodInstants(criteria);
      const params: ActivityExportParams = {
        criteria,
        since: since?.toISOString() ?? null,
        // never after the request: the file holds exactly what had been logged when it was asked for
        until: (until && until < now ? until : now).toISOString(),
      };
      const created = await db.$transaction(async (tx) => {
        const requests = createActivityExportsRepository(tx);
        // one request at a time per user: counting then inserting cannot let a double click slip past the limit
        await requests.lockRequester(principal.accountId);
        const active = await requests.activeCountOf(principal.accountId);
        if (active >= ACTIVITY_MAX_ACTIVE_EXPORTS) {
          throw new AppError(
            429,
            "RATE_LIMITED",
            `Vous avez déjà ${active} exports en attente ou en cours (${ACTIVITY_MAX_ACTIVE_EXPORTS} au plus) : attendez qu'un export se termine avant d'en demander un autre.`,
          );
        }
        const request = await requests.create({
          format: body.format,
          structureId,
          requestedById: principal.accountId,
          params: params as unknown as object,
          requestedAt: now,
        });
        await recordAudit(tx, actor, {
          action: "activity.export-requested",
          entityType: "export_request",
          entityId: request.id,
          structureId,
          after: { format: body.format, ...params },
        });
        return request;
      });
      startExportsSoon();
      return view(created, await exports.emailsOf([principal.accountId]));
    },

    /**
     * The file of a finished export, for anyone whose scope covers the export's structure (404 otherwise, as if
     * it did not exist); 410 once expired, whether or not the expiry job has deleted the file yet.
     */
    async download(principal: Principal, exportId: string) {
      const request = await exports.findWithStructure(exportId);
      if (request?.kind !== "ACTIVITY") throw notFound(EXPORT_NOT_FOUND);
      await scope.require(principal, "read", request.structureId, EXPORT_NOT_FOUND);
      const expired = request.status === "EXPIRED" || (request.expiresAt !== null && request.expiresAt <= clock.now());
      if (expired) {
        throw new AppError(410, "NOT_FOUND", "Ce fichier a expiré et a été supprimé : demandez un nouvel export.");
      }
      if (request.status !== "DONE" || !request.filePath) {
        throw conflict("L'export n'est pas encore prêt : attendez la fin du traitement.");
      }
      const file = path.join(exportsDir, path.basename(request.filePath));
      const info = await stat(file).catch(() => null);
      if (!info) {
        throw new AppError(410, "NOT_FOUND", "Ce fichier n'est plus disponible : demandez un nouvel export.");
      }
      const format = request.format as ActivityExportFormat;
      const day = (request.processedAt ?? request.requestedAt).toISOString().slice(0, 10);
      const slug = request.structure.name
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .toLowerCase();
      return {
        stream: createReadStream(file),
        size: info.size,
        contentType: EXPORT_CONTENT_TYPES[format],
        fileName: `activite-${slug || "structure"}-${day}.${EXPORT_EXTENSIONS[format]}`,
      };
    },
  };
}
export type ActivityService = ReturnType<typeof createActivityService>;
