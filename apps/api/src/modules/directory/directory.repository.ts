import type { DbTx } from "@medimail/db/client";

/** An address held back by a publication (blocking feed-report errors), with the account it belongs to. */
export interface HeldEntryRow {
  address: string;
  accountId: string;
  codes: string[];
  structureId: string | null;
  structureName: string | null;
  lastName: string | null;
  firstName: string | null;
}

/** An entry a publication sent that the directory refused, with the account it belongs to (if it still exists). */
export interface RejectedEntryRow {
  address: string;
  action: "CREATE" | "UPDATE" | "DELETE";
  accountId: string | null;
  structureId: string | null;
  structureName: string | null;
  lastName: string | null;
  firstName: string | null;
  code: string;
  message: string;
}

/** The directory's reads for the operations' screens and the local stand-in (the nightly publication's writes are
 *  in directory-publication.repository.ts, the changes' marks in directory-changes.repository.ts). */
export function createDirectoryRepository(db: DbTx) {
  return {
    /** Who the local stand-in of the national directory knows at start: the referential's professionals and
     *  structures, and the console's structures (bounded: a development tool). */
    async standinSeed(limit = 50_000) {
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
    },

    /** The most recent publications, newest first. */
    recentPublications(limit: number) {
      return db.directoryPublication.findMany({ orderBy: { runDate: "desc" }, take: limit });
    },

    /** Addresses waiting for the next publication, and addresses held back now. */
    async addressCounts(): Promise<{ pending: number; heldNow: number }> {
      const [pending, heldNow] = await Promise.all([
        db.mssAddress.count({ where: { publicationStatus: "PENDING" } }),
        db.mssAddress.count({ where: { publicationStatus: "HELD" } }),
      ]);
      return { pending, heldNow };
    },

    /** The addresses a publication held back, in address order. */
    heldEntries(publicationId: string, limit: number) {
      return db.$queryRaw<HeldEntryRow[]>`
        SELECT h.address, h.account_id AS "accountId", h.codes, a.structure_id AS "structureId",
               s.name AS "structureName", a.last_name AS "lastName", a.first_name AS "firstName"
          FROM directory_held_entry h
          LEFT JOIN account a ON a.id = h.account_id LEFT JOIN structure s ON s.id = a.structure_id
         WHERE h.publication_id = ${publicationId}::uuid ORDER BY h.address LIMIT ${limit}`;
    },

    /** The entries a publication sent that the directory refused, in address then action order. */
    rejectedEntries(publicationId: string, limit: number) {
      return db.$queryRaw<RejectedEntryRow[]>`
        SELECT e.address, e.action::text AS action, a.id AS "accountId", a.structure_id AS "structureId",
               s.name AS "structureName", a.last_name AS "lastName", a.first_name AS "firstName",
               e.rejected_code AS code, coalesce(e.rejected_message, '') AS message
          FROM directory_feed_entry e
          LEFT JOIN account a ON a.id = e.account_id LEFT JOIN structure s ON s.id = a.structure_id
         WHERE e.publication_id = ${publicationId}::uuid AND e.rejected_code IS NOT NULL
         ORDER BY e.address, e.action LIMIT ${limit}`;
    },
  };
}
export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;
