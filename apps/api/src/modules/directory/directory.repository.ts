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

/** The entries a publication sent that the directory refused, with the account they belong to (if it still exists). */
export function rejectedEntriesOf(db: Db, publicationId: string, limit: number) {
  return db.$queryRaw<
    {
      address: string;
      action: "CREATE" | "UPDATE" | "DELETE";
      accountId: string | null;
      structureId: string | null;
      structureName: string | null;
      lastName: string | null;
      firstName: string | null;
      code: string;
      message: string;
    }[]
  >`SELECT e.address, e.action::text AS action, a.id AS "accountId", a.structure_id AS "structureId",
           s.name AS "structureName", a.last_name AS "lastName", a.first_name AS "firstName",
           e.rejected_code AS code, coalesce(e.rejected_message, '') AS message
      FROM directory_feed_entry e
      LEFT JOIN account a ON a.id = e.account_id LEFT JOIN structure s ON s.id = a.structure_id
     WHERE e.publication_id = ${publicationId}::uuid AND e.rejected_code IS NOT NULL
     ORDER BY e.address, e.action LIMIT ${limit}`;
}
