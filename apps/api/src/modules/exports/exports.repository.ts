import type { AccountState, AccountType } from "@medimail/contracts/enums";
import { type DbTx, Prisma } from "@medimail/db/client";
import { EXPIRING } from "../accounts/accounts.jobs.ts";

/** What the users export reads of an account: the loaduser columns, and the keyset (sort_name, id). */
export interface ExportedAccount {
  id: string;
  sortName: string;
  type: AccountType;
  email: string;
  lastName: string;
  firstName: string;
  profession: string | null;
  regionCode: string | null;
  rpps: string | null;
  adeli: string | null;
  finessSite: string | null;
  phone: string | null;
  addressLine: string | null;
  postcode: string | null;
  city: string | null;
  description: string | null;
  responsibleLastName: string | null;
  responsibleFirstName: string | null;
  responsibleProfession: string | null;
  responsibleNationalId: string | null;
  returnAddress: string | null;
  unlisted: boolean;
  dematerialisation: boolean;
  connectionAccounts: string[];
}

/** The users export's columns, in the order of the JSON array each row is read as (see `accountOf`). */
const USER_SELECT = Prisma.raw(
  [
    "a.id",
    "a.sort_name",
    "a.type",
    "a.email",
    "a.last_name",
    "a.first_name",
    "a.profession",
    "a.region_code",
    "a.rpps",
    "a.adeli",
    "a.finess_site",
    "a.phone",
    "a.address_line",
    "a.postcode",
    "a.city",
    "a.description",
    "a.responsible_last_name",
    "a.responsible_first_name",
    "a.responsible_profession",
    "a.responsible_national_id",
    "a.return_address",
    "a.unlisted",
    "a.dematerialisation",
  ].join(", "),
);

/**
 * A row read as USER_SELECT's JSON array. Written out as one object literal (every account the same shape, built
 * once), which V8 handles much faster than an object assembled key by key: the export makes 100,000 of them.
 */
function accountOf(v: unknown[], connectionAccounts: string[]): ExportedAccount {
  return {
    id: v[0] as string,
    sortName: v[1] as string,
    type: v[2] as AccountType,
    email: v[3] as string,
    lastName: v[4] as string,
    firstName: v[5] as string,
    profession: v[6] as string | null,
    regionCode: v[7] as string | null,
    rpps: v[8] as string | null,
    adeli: v[9] as string | null,
    finessSite: v[10] as string | null,
    phone: v[11] as string | null,
    addressLine: v[12] as string | null,
    postcode: v[13] as string | null,
    city: v[14] as string | null,
    description: v[15] as string | null,
    responsibleLastName: v[16] as string | null,
    responsibleFirstName: v[17] as string | null,
    responsibleProfession: v[18] as string | null,
    responsibleNationalId: v[19] as string | null,
    returnAddress: v[20] as string | null,
    unlisted: v[21] as boolean,
    dematerialisation: v[22] as boolean,
    connectionAccounts,
  };
}

const inStructures = (structureIds: string[]) =>
  structureIds.length === 1
    ? Prisma.sql`a.structure_id = ${structureIds[0]}::uuid`
    : Prisma.sql`a.structure_id = ANY(${structureIds}::uuid[])`;

/** Reads for the exports, each one batch after a keyset position (never the whole list at once). */
export function createExportsRepository(db: DbTx) {
  return {
    async structureNames(structureIds: string[]): Promise<Map<string, string>> {
      const rows = await db.structure.findMany({
        where: { id: { in: structureIds } },
        select: { id: true, name: true },
      });
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    /**
     * Validated and pre-registered accounts of the structures, by name (the lists' order), `limit` after `after`;
     * ORG/APP mailboxes with the emails of their connection accounts.
     */
    async usersBatch(
      structureIds: string[],
      after: { sortName: string; id: string } | undefined,
      limit: number,
    ): Promise<ExportedAccount[]> {
      // One JSON array per row: Prisma's raw queries cost per column (time and memory); a single text column is
      // about twice as fast to read for 100,000 accounts and leaves much less garbage.
      const values = (
        await db.$queryRaw<{ row: string }[]>`
        SELECT json_build_array(${USER_SELECT})::text AS row
          FROM account a
         WHERE ${inStructures(structureIds)}
           AND a.state IN ('VALIDATED', 'PREREGISTERED')
           ${after ? Prisma.sql`AND (a.sort_name, a.id) > (${after.sortName}, ${after.id}::uuid)` : Prisma.empty}
         ORDER BY a.sort_name, a.id
         LIMIT ${limit}`
      ).map(({ row }) => JSON.parse(row) as unknown[]);
      // ORG and APP mailboxes: the emails of their connection accounts
      const mailboxes = values.filter((v) => v[2] === "ORG" || v[2] === "APP").map((v) => v[0] as string);
      const connections = new Map<string, string[]>();
      if (mailboxes.length > 0) {
        const links = await db.$queryRaw<{ mailbox_id: string; email: string }[]>`
          SELECT c.mailbox_id::text AS mailbox_id, a.email
            FROM connection_account c JOIN account a ON a.id = c.account_id
           WHERE c.mailbox_id = ANY(${mailboxes}::uuid[])
           ORDER BY c.mailbox_id, c.created_at, a.email`;
        for (const link of links) {
          const list = connections.get(link.mailbox_id) ?? [];
          list.push(link.email);
          connections.set(link.mailbox_id, list);
        }
      }
      return values.map((v) => accountOf(v, connections.get(v[0] as string) ?? []));
    },

    /** Accounts deleted for inactivity since `since`, most recent first. */
    deletedForInactivity(
      structureIds: string[],
      since: Date,
      after: { deletedAt: Date; id: string } | undefined,
      limit: number,
    ) {
      return db.deletedAccount.findMany({
        where: {
          reason: "INACTIVITY",
          structureId: { in: structureIds },
          deletedAt: { gte: since },
          ...(after
            ? { OR: [{ deletedAt: { lt: after.deletedAt } }, { deletedAt: after.deletedAt, id: { lt: after.id } }] }
            : {}),
        },
        orderBy: [{ deletedAt: "desc" }, { id: "desc" }],
        take: limit,
      });
    },

    /**
     * Accounts notified for inactivity and not used since: the nightly job deletes them once the notice is
     * INACTIVITY_NOTICE_DAYS old (the job's own conditions). Soonest deletion first.
     */
    notifiedForInactivity(
      structureIds: string[],
      after: { inactivityNoticeAt: Date | null; id: string } | undefined,
      limit: number,
    ) {
      const noticeAt = after?.inactivityNoticeAt ?? undefined;
      return db.account.findMany({
        where: {
          ...EXPIRING,
          structureId: { in: structureIds },
          inactivityNoticeAt: { not: null },
          AND: [
            { OR: [{ lastActivityAt: null }, { lastActivityAt: { lte: db.account.fields.inactivityNoticeAt } }] },
            ...(after && noticeAt
              ? [
                  {
                    OR: [
                      { inactivityNoticeAt: { gt: noticeAt } },
                      { inactivityNoticeAt: noticeAt, id: { gt: after.id } },
                    ],
                  },
                ]
              : []),
          ],
        },
        select: {
          id: true,
          email: true,
          lastName: true,
          firstName: true,
          type: true,
          structureId: true,
          lastActivityAt: true,
          inactivityNoticeAt: true,
        },
        orderBy: [{ inactivityNoticeAt: "asc" }, { id: "asc" }],
        take: limit,
      });
    },

    /** The accounts of a reminder (a batch, or one account's single reminder), by name, with their state now. */
    async remindedBatch(
      reminder: { batchId: string | null; reminderId: string },
      structureIds: string[],
      after: { sortName: string; id: string } | undefined,
      limit: number,
    ) {
      return db.$queryRaw<
        {
          id: string;
          sortName: string;
          email: string;
          lastName: string;
          firstName: string;
          type: AccountType;
          state: AccountState;
          structureId: string;
          sentAt: Date;
        }[]
      >`
        SELECT a.id::text AS id, a.sort_name AS "sortName", a.email, a.last_name AS "lastName",
               a.first_name AS "firstName", a.type::text AS type, a.state::text AS state,
               a.structure_id::text AS "structureId", r.sent_at AS "sentAt"
          FROM reminder r JOIN account a ON a.id = r.account_id
         WHERE ${reminder.batchId ? Prisma.sql`r.batch_id = ${reminder.batchId}::uuid` : Prisma.sql`r.id = ${reminder.reminderId}::uuid`}
           AND ${inStructures(structureIds)}
           ${after ? Prisma.sql`AND (a.sort_name, a.id) > (${after.sortName}, ${after.id}::uuid)` : Prisma.empty}
         ORDER BY a.sort_name, a.id
         LIMIT ${limit}`;
    },
  };
}
export type ExportsRepository = ReturnType<typeof createExportsRepository>;
