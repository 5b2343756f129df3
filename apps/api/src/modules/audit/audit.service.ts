import type { AuditEventView, AuditPage, AuditQuery } from "@medimail/contracts/audit";
import type { Db } from "@medimail/db/client";
import { type Principal, visibleStructureIds } from "@medimail/domain/access";
import { nextParisDay, parisDayStart } from "@medimail/domain/paris-time";
import { indexParents, subtreeOf } from "@medimail/domain/structure-tree";
import { z } from "zod";
import { cursorParts, keysetCursor } from "../../lib/cursor.ts";
import type { Scope } from "../../lib/scope.ts";
import { type AuditFilter, createAuditRepository } from "./audit.repository.ts";

/** The audit log as the caller may read it: their scope's structures (operators: everything), newest first. */
/** newest first: the id of the previous page's last event */
const auditCursor = keysetCursor(z.tuple([cursorParts.bigintId]), "cursor");

export function createAuditService({ db, scope }: { db: Db; scope: Scope }) {
  const repository = createAuditRepository(db);
  return {
    async page(principal: Principal, query: AuditQuery): Promise<AuditPage> {
      const filter: AuditFilter = {};
      const isOperator = principal.platformRole === "OPERATOR";
      if (query.structureId || !isOperator) {
        if (query.structureId) await scope.require(principal, "read", query.structureId);
        const parents = indexParents(await repository.structureParents());
        const visible = visibleStructureIds(principal, parents);
        const wanted = query.structureId ? subtreeOf(query.structureId, parents) : [...visible];
        filter.structureIds = wanted.filter((id) => visible.has(id));
      }
      if (query.actor) filter.actor = query.actor;
      if (query.action) filter.action = query.action;
      if (query.from) filter.from = parisDayStart(query.from);
      if (query.to) filter.to = parisDayStart(nextParisDay(query.to));
      const after = auditCursor.decode(query.cursor);
      if (after) filter.beforeId = BigInt(after[0]);

      const rows = await repository.findEvents(filter, query.limit + 1);
      const page = rows.slice(0, query.limit);
      const structureIds = [...new Set(page.map((row) => row.structureId).filter((id): id is string => id !== null))];
      const names = await repository.structureNames(structureIds);
      const items: AuditEventView[] = page.map((row) => ({
        id: row.id.toString(),
        at: row.at.toISOString(),
        actorId: row.actorId,
        actorLabel: row.actorLabel,
        action: row.action,
        entityType: row.entityType,
        entityId: row.entityId,
        structureId: row.structureId,
        structureName: row.structureId ? (names.get(row.structureId) ?? null) : null,
        before: row.before ?? null,
        after: row.after ?? null,
        ip: row.ip,
        requestId: row.requestId,
      }));
      const last = page.at(-1);
      return { items, nextCursor: rows.length > query.limit && last ? auditCursor.encode([last.id.toString()]) : null };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
