import type { AccountState, AccountType } from "@medimail/contracts/enums";
import type { DbTx } from "@medimail/db/client";
import { mssQuotaUsage } from "./structures.repository.ts";

/** The structure's home: its accounts, quotas, pending work and recent mail, counted by the database. */
export function createStructureOverviewRepository(db: DbTx) {
  return {
    /** The structure's own accounts, per state and type. */
    async accountsByStateAndType(
      structureId: string,
    ): Promise<{ state: AccountState; type: AccountType; count: number }[]> {
      const rows = await db.account.groupBy({
        by: ["state", "type"],
        where: { structureId },
        _count: { _all: true },
      });
      return rows.map((row) => ({ state: row.state, type: row.type, count: row._count._all }));
    },

    mssQuotaUsage: (structureId: string) => mssQuotaUsage(db, structureId),

    quotas(structureId: string) {
      return db.structure.findUniqueOrThrow({
        where: { id: structureId },
        select: { quotaPer: true, quotaOrg: true, quotaApp: true },
      });
    },

    /** Email changes waiting for their new address to be confirmed, among the structure's accounts. */
    pendingEmailChanges(structureId: string): Promise<number> {
      return db.emailChangeRequest.count({ where: { status: "PENDING", account: { structureId } } });
    },

    /**
     * Mail sent and received per Paris day between two days (included, YYYY-MM-DD), from the daily counts kept by
     * the database beside the message log (see the model MessageDayCount); days without mail have no row.
     */
    messageDays(structureId: string, from: string, to: string) {
      return db.$queryRaw<{ day: string; sent: number; received: number }[]>`
        SELECT to_char(day, 'YYYY-MM-DD') AS day, sent, received
          FROM message_day_count
         WHERE structure_id = ${structureId}::uuid AND day BETWEEN ${from}::date AND ${to}::date`;
    },
  };
}
export type StructureOverviewRepository = ReturnType<typeof createStructureOverviewRepository>;
