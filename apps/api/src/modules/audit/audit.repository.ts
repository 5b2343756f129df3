import type { AuditAction } from "@medimail/contracts/audit";
import type { DbTx, Prisma } from "@medimail/db/client";

/** Who did it: a signed-in user, someone trying to sign in, or the system (jobs). */
export interface AuditActor {
  id: string | null;
  label: string;
  ip: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId?: string | null;
  /** the structure whose administrators may read the event */
  structureId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

/** Records one event in the caller's transaction: it exists if and only if the change it describes commits. */
export async function recordAudit(tx: DbTx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: actor.id,
      actorLabel: actor.label.slice(0, 254),
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      structureId: entry.structureId ?? null,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
      ip: actor.ip,
      requestId: actor.requestId,
    },
  });
}

/** Which events a page of the audit log shows (every criterion optional). */
export interface AuditFilter {
  structureIds?: string[];
  /** part of the actor's label, any case */
  actor?: string;
  action?: string;
  /** from this instant included, to that one excluded */
  from?: Date;
  to?: Date;
  /** events older than this id (keyset cursor, newest first) */
  beforeId?: bigint;
}

/** The audit log's reads (writes go through recordAudit, in the transaction of the change). */
export function createAuditRepository(db: DbTx) {
  return {
    /** Every structure's parent: the tree the caller's visibility is computed on. */
    structureParents: () => db.structure.findMany({ select: { id: true, parentId: true } }),

    /** Up to `take` events matching `filter`, newest first. */
    findEvents(filter: AuditFilter, take: number) {
      const where: Prisma.AuditEventWhereInput = {};
      if (filter.structureIds) where.structureId = { in: filter.structureIds };
      if (filter.actor) where.actorLabel = { contains: filter.actor, mode: "insensitive" };
      if (filter.action) where.action = filter.action;
      if (filter.from || filter.to) {
        where.at = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
      }
      if (filter.beforeId !== undefined) where.id = { lt: filter.beforeId };
      return db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take });
    },

    /** The names of these structures, by id. */
    async structureNames(ids: string[]): Promise<Map<string, string>> {
      const rows = await db.structure.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      return new Map(rows.map((row) => [row.id, row.name]));
    },
  };
}
