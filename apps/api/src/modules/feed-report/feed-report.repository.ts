// The feed report's reads: the structures of the report and the MSSanté addresses in keyset batches (the lookups
// of each batch in the national referential are the referential repository's).
import type { AccountType } from "@medimail/contracts/enums";
import { type DbTx, Prisma } from "@medimail/db/client";
import { createStructureTreeRepository } from "../../lib/structure-tree.repository.ts";

/** Addresses read per query; each batch costs four queries whatever its size. */
export const FEED_BATCH = 20_000;

export interface FeedStructure {
  id: string;
  name: string;
  identifierType: "FINESS" | "SIREN" | "SIRET" | null;
  identifier: string | null;
}

export interface FeedAccountRow {
  id: string;
  structureId: string;
  type: AccountType;
  email: string;
  address: string;
  lastName: string;
  firstName: string;
  sortName: string;
  rpps: string | null;
  adeli: string | null;
  finessSite: string | null;
  responsibleLastName: string | null;
  responsibleFirstName: string | null;
  description: string | null;
}

export function createFeedReportRepository(db: DbTx) {
  const tree = createStructureTreeRepository(db);
  return {
    /** The structure, then (with daughters) every descendant, any depth, in tree order; [] when it does not exist. */
    async structures(structureId: string, withDaughters: boolean): Promise<FeedStructure[]> {
      const ids = await tree.subtreeIds(structureId, withDaughters);
      return db.$queryRaw<FeedStructure[]>`
        SELECT s.id::text, s.name, s.identifier_type::text AS "identifierType", nullif(btrim(s.identifier), '') AS identifier
          FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS t(id, n) JOIN structure s ON s.id = t.id
         ORDER BY t.n`;
    },

    /**
     * The accounts with an MSSanté address (never MED) of these structures, after `after` in id order. Each row comes
     * as one JSON array: Prisma's raw queries cost per column, and this is the report's largest read.
     */
    async accounts(structureIds: string[], after: string | null, limit = FEED_BATCH): Promise<FeedAccountRow[]> {
      const rows = await db.$queryRaw<{ r: (string | null)[] }[]>`
        SELECT json_build_array(a.id, a.structure_id, a.type, a.email, m.address, a.last_name, a.first_name,
                                a.sort_name, nullif(btrim(a.rpps), ''), nullif(btrim(a.adeli), ''),
                                nullif(btrim(a.finess_site), ''), a.responsible_last_name, a.responsible_first_name,
                                a.description) AS r
          FROM account a
          JOIN mss_address m ON m.account_id = a.id
         WHERE a.structure_id = ANY(${structureIds}::uuid[]) AND a.type <> 'MED'
           ${after ? Prisma.sql`AND a.id > ${after}::uuid AND m.account_id > ${after}::uuid` : Prisma.empty}
         ORDER BY a.id
         LIMIT ${limit}`;
      return rows.map(({ r }) => ({
        id: r[0] as string,
        structureId: r[1] as string,
        type: r[2] as AccountType,
        email: r[3] as string,
        address: r[4] as string,
        lastName: r[5] as string,
        firstName: r[6] as string,
        sortName: r[7] as string,
        rpps: r[8] ?? null,
        adeli: r[9] ?? null,
        finessSite: r[10] ?? null,
        responsibleLastName: r[11] ?? null,
        responsibleFirstName: r[12] ?? null,
        description: r[13] ?? null,
      }));
    },
  };
}
export type FeedReportRepository = ReturnType<typeof createFeedReportRepository>;
