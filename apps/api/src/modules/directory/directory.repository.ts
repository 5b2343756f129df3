import type { Db } from "@medimail/db/client";

/** Who the local stand-in of the national directory knows at start: the referential's professionals and
 *  structures, and the console's structures (bounded: a development tool). */
export async function standinSeedOf(db: Db, limit = 50_000) {
  const [professionals, structures] = await Promise.all([
    db.$queryRaw<{ nationalId: string; lastName: string; firstName: string }[]>`
      SELECT national_id AS "nationalId", last_name AS "lastName", first_name AS "firstName"
        FROM ref_professional WHERE is_current ORDER BY national_id LIMIT ${limit}`,
    db.$queryRaw<{ identifierType: "FINESS" | "SIREN" | "SIRET"; identifier: string; name: string }[]>`
      SELECT identifier_type::text AS "identifierType", identifier, name FROM ref_structure
      UNION
      SELECT identifier_type::text, identifier, name FROM structure
       WHERE identifier IS NOT NULL AND identifier_type IS NOT NULL
      UNION
      SELECT 'FINESS', a.finess_site, s.name FROM account a JOIN structure s ON s.id = a.structure_id
       WHERE a.finess_site IS NOT NULL AND a.finess_site <> ''
      LIMIT ${limit}`,
  ]);
  return { professionals, structures };
}
