import type { ActivityDay, MessageDirection } from "@medimail/contracts/activity";
import { type DbTx, Prisma } from "@medimail/db/client";
import { createStructureTreeRepository } from "../../lib/structure-tree.repository.ts";

/** What selects the log lines: structures, then optional address, instants and direction. */
export interface MessageFilter {
  structureIds: string[];
  address?: string | undefined;
  /** included */
  since?: Date | undefined;
  /** excluded */
  until?: Date | undefined;
  direction?: MessageDirection | undefined;
}

export interface MessageRow {
  id: string;
  sent_at: Date;
  address: string;
  direction: MessageDirection;
  sender: string;
  recipients: string[];
  size_bytes: number;
  is_mss: boolean;
  structure_id: string;
}

/** A line of an export, formatted by the database (Paris wall clock) so that the writer only copies text. */
export interface ExportLine {
  id: string;
  sent_at: Date;
  paris_time: string;
  address: string;
  direction: MessageDirection;
  sender: string;
  recipients: string[];
  size_bytes: number;
  is_mss: boolean;
}

/** A MessageRow's columns, read from `m`. */
const ROW_COLUMNS = Prisma.sql`m.id::text AS id, m.sent_at, m.address, m.direction::text AS direction, m.sender,
  m.recipients, m.size_bytes, m.is_mss, m.structure_id::text AS structure_id`;

/** The conditions besides the structure: the address as sender or as one of the recipients, instants, direction. */
function conditions(filter: Omit<MessageFilter, "structureIds">): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  // both sides use an index: message(sender, sent_at) and the GIN on recipients
  if (filter.address) {
    where.push(Prisma.sql`(m.sender = ${filter.address} OR m.recipients @> ARRAY[${filter.address}]::text[])`);
  }
  if (filter.since) where.push(Prisma.sql`m.sent_at >= ${filter.since}`);
  if (filter.until) where.push(Prisma.sql`m.sent_at < ${filter.until}`);
  if (filter.direction) where.push(Prisma.sql`m.direction = ${filter.direction}::"MessageDirection"`);
  return where;
}
const and = (parts: Prisma.Sql[]) => (parts.length === 0 ? Prisma.sql`TRUE` : Prisma.join(parts, " AND "));

export function createActivityRepository(db: DbTx) {
  const tree = createStructureTreeRepository(db);
  return {
    /** The structure and, when asked, all its descendants (one recursive query), in tree order. */
    structureIds: (structureId: string, withDaughters: boolean): Promise<string[]> =>
      tree.subtreeIds(structureId, withDaughters),

    async structureNames(ids: string[]): Promise<Map<string, string>> {
      const rows = await db.structure.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    /**
     * The `limit` latest lines, newest first, read so that the heap is visited for about `limit` lines only:
     * - with an address: the address's lines (sender index, recipients GIN index) are few whatever the structures,
     *   so they are selected whole, then sorted (left to itself, the planner walks the structures' lines in time
     *   order hoping to meet the address soon, and reads a month of a group's mail when it is not there);
     * - one structure: its (structure_id, sent_at) index, backwards;
     * - several: the instant of the `limit`-th latest line is found first from the index alone (each structure's
     *   `limit` latest instants, merged), then each structure's lines from that instant on are read and merged.
     */
    async latest(filter: MessageFilter, limit: number): Promise<MessageRow[]> {
      const rest = and(conditions(filter));
      const ids = filter.structureIds;
      if (filter.address) {
        return db.$queryRaw<MessageRow[]>`
          WITH hits AS MATERIALIZED (
            SELECT m.id, m.sent_at, m.address, m.direction, m.sender, m.recipients, m.size_bytes, m.is_mss,
                   m.structure_id
              FROM message m
             WHERE m.structure_id = ANY(${ids}::uuid[]) AND ${rest}
          )
          SELECT ${ROW_COLUMNS} FROM hits m ORDER BY m.sent_at DESC, m.id DESC LIMIT ${limit}`;
      }
      if (ids.length === 1) {
        return db.$queryRaw<MessageRow[]>`
          SELECT ${ROW_COLUMNS} FROM message m
           WHERE m.structure_id = ${ids[0]}::uuid AND ${rest}
           ORDER BY m.sent_at DESC, m.id DESC LIMIT ${limit}`;
      }
      return db.$queryRaw<MessageRow[]>`
        WITH cutoff AS (
          SELECT min(latest.sent_at) AS sent_at FROM (
            SELECT own.sent_at
              FROM unnest(${ids}::uuid[]) AS s(id)
              CROSS JOIN LATERAL (
                SELECT m.sent_at FROM message m WHERE m.structure_id = s.id AND ${rest}
                 ORDER BY m.sent_at DESC LIMIT ${limit}
              ) own
             ORDER BY own.sent_at DESC LIMIT ${limit}
          ) latest
        )
        SELECT ${ROW_COLUMNS}
          FROM unnest(${ids}::uuid[]) AS s(id)
          CROSS JOIN LATERAL (
            SELECT * FROM message m
             WHERE m.structure_id = s.id AND ${rest} AND m.sent_at >= (SELECT sent_at FROM cutoff)
             ORDER BY m.sent_at DESC, m.id DESC LIMIT ${limit}
          ) m
         ORDER BY m.sent_at DESC, m.id DESC LIMIT ${limit}`;
    },

    /** Lines per Paris day and direction, counted by the database (for an address: its lines are few). */
    async perDay(filter: MessageFilter): Promise<ActivityDay[]> {
      return db.$queryRaw<ActivityDay[]>`
        SELECT to_char((m.sent_at AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD') AS day,
               count(*) FILTER (WHERE m.direction = 'SENT')::int AS sent,
               count(*) FILTER (WHERE m.direction = 'RECEIVED')::int AS received
          FROM message m
         WHERE m.structure_id = ANY(${filter.structureIds}::uuid[]) AND ${and(conditions(filter))}
         GROUP BY 1 ORDER BY 1`;
    },

    /**
     * Lines per Paris day of whole structures (no address), from the daily counts kept by the database: one row per
     * structure and day, whatever the volume of mail.
     */
    async dayCounts(query: {
      structureIds: string[];
      /** first and last Paris days, included (YYYY-MM-DD) */
      from: string;
      to: string;
      direction?: MessageDirection | undefined;
    }): Promise<ActivityDay[]> {
      const sent = query.direction === "RECEIVED" ? Prisma.sql`0` : Prisma.sql`sum(c.sent)::int`;
      const received = query.direction === "SENT" ? Prisma.sql`0` : Prisma.sql`sum(c.received)::int`;
      return db.$queryRaw<ActivityDay[]>`
        SELECT to_char(c.day, 'YYYY-MM-DD') AS day, ${sent} AS sent, ${received} AS received
          FROM message_day_count c
         WHERE c.structure_id = ANY(${query.structureIds}::uuid[])
           AND c.day BETWEEN ${query.from}::date AND ${query.to}::date
         GROUP BY c.day ORDER BY c.day`;
    },

    /** Lines matching the filter (the export's total, for its progress). */
    async count(filter: MessageFilter): Promise<number> {
      const [row] = await db.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM message m
         WHERE m.structure_id = ANY(${filter.structureIds}::uuid[]) AND ${and(conditions(filter))}`;
      return row?.count ?? 0;
    },

    /**
     * One batch of a structure's lines for an export, newest first, after the keyset cursor (sent_at, id) of the
     * previous batch: each batch is a range of the (structure_id, sent_at) index, so the 1,000th costs what the
     * first does and the process holds one batch at a time.
     */
    async exportBatch(
      structureId: string,
      filter: Omit<MessageFilter, "structureIds">,
      after: { sentAt: Date; id: string } | null,
      size: number,
    ): Promise<ExportLine[]> {
      const where = conditions(filter);
      // spelled out so that `sent_at <= …` bounds the index range (a row comparison would only filter it)
      if (after) {
        where.push(
          Prisma.sql`m.sent_at <= ${after.sentAt} AND (m.sent_at < ${after.sentAt} OR m.id < ${after.id}::bigint)`,
        );
      }
      return db.$queryRaw<ExportLine[]>`
        SELECT m.id::text AS id, m.sent_at,
               to_char(m.sent_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY HH24:MI:SS') AS paris_time,
               m.address, m.direction::text AS direction, m.sender, m.recipients, m.size_bytes, m.is_mss
          FROM message m
         WHERE m.structure_id = ${structureId}::uuid AND ${and(where)}
         ORDER BY m.sent_at DESC, m.id DESC LIMIT ${size}`;
    },
  };
}
export type ActivityRepository = ReturnType<typeof createActivityRepository>;
