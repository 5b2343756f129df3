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
