// The national referential's tables (ref_professional, ref_practice_place, ref_structure): what the import writes,
// and the set-based lookups the feed report and the nightly publication make in them.
import { type DbTx, Prisma } from "@medimail/db/client";
import type { ProfessionalRecord, StructureRecord } from "./referential-files.ts";

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

/** A practice place of a professionals' extraction, with the professional's national id. */
export type PracticePlaceRecord = NonNullable<ProfessionalRecord["place"]> & { nationalId: string };

export function createReferentialRepository(db: DbTx) {
  return {
    /** The database's clock: the import's run start, against which what it did not touch is told apart. */
    async databaseNow(): Promise<Date> {
      const [{ now }] = (await db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`) as [{ now: Date }];
      return now;
    },

    /** Whether an extraction was imported at all: without one, the rules that need the referential are not applied. */
    async loaded(): Promise<boolean> {
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
     * SIREN (the first nine digits of a SIRET; that last lookup reads the table, so it is only asked for `sirens`).
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

    /** Professionals, one statement: inserted or updated, current again, stamped with the run. Rows written. */
    upsertProfessionals(people: ProfessionalRecord[], runStart: Date): Promise<number> {
      const column = <K extends keyof ProfessionalRecord>(key: K) => people.map((record) => record[key]);
      return db.$executeRaw`
        INSERT INTO ref_professional AS r
               (national_id, id_type, rpps, adeli, last_name, first_name, profession_code, category_code, is_current, imported_at)
        SELECT t.*, true, ${runStart}::timestamptz
          FROM unnest(${column("nationalId")}::text[], ${column("idType")}::text[], ${column("rpps")}::text[],
                      ${column("adeli")}::text[], ${column("lastName")}::text[], ${column("firstName")}::text[],
                      ${column("professionCode")}::text[], ${column("categoryCode")}::text[]) AS t
        ON CONFLICT (national_id) DO UPDATE
           SET id_type = EXCLUDED.id_type, rpps = EXCLUDED.rpps, adeli = EXCLUDED.adeli, last_name = EXCLUDED.last_name,
               first_name = EXCLUDED.first_name, profession_code = EXCLUDED.profession_code,
               category_code = EXCLUDED.category_code, is_current = true, imported_at = EXCLUDED.imported_at`;
    },

    /** The structures of practice places not known yet (those already held keep their data). Rows written. */
    insertPlaceStructures(sites: PracticePlaceRecord[], runStart: Date): Promise<number> {
      return db.$executeRaw`
        INSERT INTO ref_structure (identifier, identifier_type, name, finess_legal, siret, postcode, city, imported_at)
        SELECT t.identifier, t.type::"StructureIdentifierType", coalesce(t.name, ''), t.legal, t.siret, t.postcode, t.city,
               ${runStart}::timestamptz
          FROM unnest(${sites.map((s) => s.structureIdentifier)}::text[], ${sites.map((s) => s.identifierType)}::text[],
                      ${sites.map((s) => s.name)}::text[], ${sites.map((s) => s.finessLegal)}::text[],
                      ${sites.map((s) => s.siret)}::text[], ${sites.map((s) => s.postcode)}::text[],
                      ${sites.map((s) => s.city)}::text[]) AS t(identifier, type, name, legal, siret, postcode, city)
        ON CONFLICT (identifier) DO NOTHING`;
    },

    /** Practice places, inserted or updated and stamped with the run. Rows written. */
    upsertPracticePlaces(places: PracticePlaceRecord[], runStart: Date): Promise<number> {
      return db.$executeRaw`
        INSERT INTO ref_practice_place (id, national_id, structure_identifier, finess_site, siret, name, imported_at)
        SELECT gen_random_uuid(), t.*, ${runStart}::timestamptz
          FROM unnest(${places.map((p) => p.nationalId)}::text[], ${places.map((p) => p.structureIdentifier)}::text[],
                      ${places.map((p) => p.finessSite)}::text[], ${places.map((p) => p.siret)}::text[],
                      ${places.map((p) => p.name)}::text[]) AS t
        ON CONFLICT (national_id, structure_identifier) DO UPDATE
           SET finess_site = EXCLUDED.finess_site, siret = EXCLUDED.siret, name = EXCLUDED.name,
               imported_at = EXCLUDED.imported_at`;
    },

    /** FINESS structures, inserted or updated (a practice's structure becomes FINESS) and stamped. Rows written. */
    upsertFinessStructures(rows: StructureRecord[], runStart: Date): Promise<number> {
      const column = <K extends keyof StructureRecord>(key: K) => rows.map((record) => record[key]);
      return db.$executeRaw`
        INSERT INTO ref_structure (identifier, identifier_type, name, finess_legal, siret, postcode, city, imported_at)
        SELECT t.identifier, 'FINESS', t.name, t.legal, t.siret, t.postcode, t.city, ${runStart}::timestamptz
          FROM unnest(${column("identifier")}::text[], ${column("name")}::text[], ${column("finessLegal")}::text[],
                      ${column("siret")}::text[], ${column("postcode")}::text[], ${column("city")}::text[])
               AS t(identifier, name, legal, siret, postcode, city)
        ON CONFLICT (identifier) DO UPDATE
           SET identifier_type = 'FINESS', name = EXCLUDED.name, finess_legal = EXCLUDED.finess_legal,
               siret = EXCLUDED.siret, postcode = EXCLUDED.postcode, city = EXCLUDED.city, imported_at = EXCLUDED.imported_at`;
    },

    /** The professionals a full extraction no longer lists: not current any more (MSS043). Rows changed. */
    markNotCurrentBefore(runStart: Date): Promise<number> {
      return db.$executeRaw`
        UPDATE ref_professional SET is_current = false WHERE imported_at < ${runStart} AND is_current`;
    },

    /** The practice places a full extraction no longer lists. Rows removed. */
    removePlacesBefore(runStart: Date): Promise<number> {
      return db.$executeRaw`DELETE FROM ref_practice_place WHERE imported_at < ${runStart}`;
    },
  };
}
export type ReferentialRepository = ReturnType<typeof createReferentialRepository>;
