// The feed report's reads: the structures of the report, the MSSanté addresses in keyset batches, and for each
// batch three set-based lookups in the national referential (professionals, structures, practice places).
import type { AccountType } from "@medimail/contracts/enums";
import { type DbTx, Prisma } from "@medimail/db/client";

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

export interface RefProfessionalRow {
  nationalId: string;
  rpps: string | null;
  adeli: string | null;
  lastName: string;
  firstName: string;
  isCurrent: boolean;
  categoryCode: string | null;
}

export interface RefStructureRow {
  identifier: string;
  identifierType: "FINESS" | "SIREN" | "SIRET";
  siret: string | null;
}

export interface RefPlaceRow {
  nationalId: string;
  structureIdentifier: string;
  finessSite: string | null;
  siret: string | null;
}

export function createFeedReportRepository(db: DbTx) {
  return {
    /** The structure, then (with daughters) every descendant, any depth. */
    async structures(structureId: string, withDaughters: boolean): Promise<FeedStructure[]> {
      return db.$queryRaw<FeedStructure[]>`
        WITH RECURSIVE down(id, depth) AS (
          SELECT id, 0 FROM structure WHERE id = ${structureId}::uuid
          UNION ALL
          SELECT s.id, down.depth + 1 FROM structure s JOIN down ON s.parent_id = down.id
           WHERE ${withDaughters} AND down.depth < 100
        )
        SELECT s.id::text, s.name, s.identifier_type::text AS "identifierType", nullif(btrim(s.identifier), '') AS identifier
          FROM down JOIN structure s ON s.id = down.id
         ORDER BY down.depth, s.name`;
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

    /** Whether an extraction was imported: without one the rules that need the referential are not evaluated. */
    async referentialLoaded(): Promise<boolean> {
      const [row] = await db.$queryRaw<{ loaded: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM ref_professional) AS loaded`;
      return row?.loaded ?? false;
    },

    /** The professionals with one of these RPPS or ADELI numbers (one query). */
    async professionals(rpps: string[], adeli: string[]): Promise<RefProfessionalRow[]> {
      if (rpps.length === 0 && adeli.length === 0) return [];
      return db.$queryRaw<RefProfessionalRow[]>`
        SELECT national_id AS "nationalId", rpps, adeli, last_name AS "lastName", first_name AS "firstName",
               is_current AS "isCurrent", category_code AS "categoryCode"
          FROM ref_professional
         WHERE rpps = ANY(${rpps}::text[]) OR adeli = ANY(${adeli}::text[])`;
    },

    /**
     * The referential structures matching these identifiers: by identifier (FINESS, SIRET, SIREN), by SIRET, and by
     * SIREN (the first nine digits of a SIRET; that last lookup reads the table, so it is only asked for SIRENs).
     */
    async structuresByIdentifier(identifiers: string[], sirens: string[]): Promise<RefStructureRow[]> {
      if (identifiers.length === 0 && sirens.length === 0) return [];
      return db.$queryRaw<RefStructureRow[]>`
        SELECT identifier, identifier_type::text AS "identifierType", siret
          FROM ref_structure
         WHERE identifier = ANY(${identifiers}::text[]) OR siret = ANY(${identifiers}::text[])
               ${sirens.length > 0 ? Prisma.sql`OR left(siret, 9) = ANY(${sirens}::text[])` : Prisma.empty}`;
    },

    /** The practice places of these professionals (one query). */
    async practicePlaces(nationalIds: string[]): Promise<RefPlaceRow[]> {
      if (nationalIds.length === 0) return [];
      return db.$queryRaw<RefPlaceRow[]>`
        SELECT national_id AS "nationalId", structure_identifier AS "structureIdentifier",
               finess_site AS "finessSite", siret
          FROM ref_practice_place
         WHERE national_id = ANY(${nationalIds}::text[])`;
    },
  };
}
export type FeedReportRepository = ReturnType<typeof createFeedReportRepository>;
