import { ErrorEnvelope } from "@medimail/contracts/common";
import { DirectoryPublicationsResponse } from "@medimail/contracts/directory";
import type { FeedCode } from "@medimail/contracts/feed-report";
import type { Db } from "@medimail/db/client";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requirePlatform } from "../../lib/scope.ts";
import { rejectedEntriesOf } from "./directory.repository.ts";

const RECENT_RUNS = 30;
const HELD_LIMIT = 100;

/** The recent nightly publications with their counts and held entries (operators; support reads). */
export function createDirectoryService(db: Db) {
  return {
    async publications() {
      const [runs, pending, heldNow] = await Promise.all([
        db.directoryPublication.findMany({ orderBy: { runDate: "desc" }, take: RECENT_RUNS }),
        db.mssAddress.count({ where: { publicationStatus: "PENDING" } }),
        db.mssAddress.count({ where: { publicationStatus: "HELD" } }),
      ]);
      const items = await Promise.all(
        runs.map(async (run) => {
          const held = await db.$queryRaw<
            {
              address: string;
              accountId: string;
              codes: string[];
              structureId: string | null;
              structureName: string | null;
              lastName: string | null;
              firstName: string | null;
            }[]
          >`SELECT h.address, h.account_id AS "accountId", h.codes, a.structure_id AS "structureId",
                   s.name AS "structureName", a.last_name AS "lastName", a.first_name AS "firstName"
              FROM directory_held_entry h
              LEFT JOIN account a ON a.id = h.account_id LEFT JOIN structure s ON s.id = a.structure_id
             WHERE h.publication_id = ${run.id}::uuid ORDER BY h.address LIMIT ${HELD_LIMIT}`;
          return {
            id: run.id,
            runDate: run.runDate.toISOString().slice(0, 10),
            status: run.status,
            startedAt: run.startedAt.toISOString(),
            finishedAt: run.finishedAt?.toISOString() ?? null,
            created: run.created,
            updated: run.updated,
            deleted: run.deleted,
            held: run.held,
            rejected: run.rejected,
            feedFile: run.feedFile,
            error: run.error,
            heldEntries: held.map((entry) => ({ ...entry, codes: entry.codes as FeedCode[] })),
            rejectedEntries: await rejectedEntriesOf(db, run.id, HELD_LIMIT),
          };
        }),
      );
      return { items, heldLimit: HELD_LIMIT, pending, heldNow };
    },
  };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;

const denied = { 401: ErrorEnvelope, 403: ErrorEnvelope };

export const directoryRoutes: FastifyPluginAsyncZod<{ service: DirectoryService }> = async (app, { service }) => {
  app.get(
    "/directory/publications",
    {
      schema: {
        tags: ["annuaire"],
        summary: "Publications nocturnes dans l'annuaire national : comptes et adresses retenues",
        response: { 200: DirectoryPublicationsResponse, ...denied },
      },
    },
    async (request) => {
      // the operations' screens: operators, and support in reading
      requirePlatform(request.principal, "jobs.read");
      return service.publications();
    },
  );
};
