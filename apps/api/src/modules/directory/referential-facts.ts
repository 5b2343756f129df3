import type { DbTx } from "@medimail/db/client";
import type { ReferentialFacts } from "@medimail/domain/feed-rules";
import { type AddressRow, transmittedStructure } from "./directory-entry.ts";

/** TRE_R09 (catégorie professionnelle): E = étudiant. */
const STUDENT_CATEGORY = "E";

/** Whether a referential extraction was imported at all: without one, the rules that need it are not applied. */
export async function referentialLoaded(db: DbTx): Promise<boolean> {
  const rows = await db.$queryRaw<{ loaded: boolean }[]>`SELECT EXISTS (SELECT 1 FROM ref_professional) AS loaded`;
  return rows[0]?.loaded ?? false;
}

/**
 * What the national referential says about each row of a batch, in four queries whatever the batch size. The
 * referential tables may be empty (`loaded` false): then every fact is neutral.
 */
export async function referentialFactsOf(
  db: DbTx,
  rows: readonly AddressRow[],
  loaded: boolean,
): Promise<Map<string, ReferentialFacts>> {
  const facts = new Map<string, ReferentialFacts>();
  const neutral: ReferentialFacts = {
    loaded,
    professional: null,
    structureKnown: true,
    structureHasFiness: false,
    practisesAtStructure: true,
  };
  if (!loaded) {
    for (const row of rows) facts.set(row.id, neutral);
    return facts;
  }
  const rpps = [...new Set(rows.flatMap((row) => (row.type === "PER" && row.rpps ? [row.rpps] : [])))];
  const adeli = [...new Set(rows.flatMap((row) => (row.type === "PER" && row.adeli ? [row.adeli] : [])))];
  const identifiers = [...new Set(rows.flatMap((row) => transmittedStructure(row)?.value ?? []))];

  const [professionals, structures] = await Promise.all([
    rpps.length + adeli.length === 0
      ? []
      : db.$queryRaw<
          {
            nationalId: string;
            rpps: string | null;
            adeli: string | null;
            lastName: string;
            firstName: string;
            isCurrent: boolean;
            categoryCode: string | null;
          }[]
        >`SELECT national_id AS "nationalId", rpps, adeli, last_name AS "lastName", first_name AS "firstName",
                 is_current AS "isCurrent", category_code AS "categoryCode"
            FROM ref_professional WHERE rpps = ANY(${rpps}::text[]) OR adeli = ANY(${adeli}::text[])`,
    identifiers.length === 0
      ? []
      : db.$queryRaw<{ identifier: string; identifierType: string; siret: string | null }[]>`
          SELECT identifier, identifier_type::text AS "identifierType", siret FROM ref_structure
           WHERE identifier = ANY(${identifiers}::text[]) OR siret = ANY(${identifiers}::text[])
              OR left(siret, 9) = ANY(${identifiers}::text[])`,
  ]);
  const nationalIds = professionals.map((professional) => professional.nationalId);
  const places =
    nationalIds.length === 0 || identifiers.length === 0
      ? []
      : await db.$queryRaw<
          { nationalId: string; structureIdentifier: string; finessSite: string | null; siret: string | null }[]
        >`
          SELECT national_id AS "nationalId", structure_identifier AS "structureIdentifier", finess_site AS "finessSite", siret
            FROM ref_practice_place WHERE national_id = ANY(${nationalIds}::text[])`;

  const byRpps = new Map(professionals.filter((p) => p.rpps).map((p) => [p.rpps as string, p]));
  const byAdeli = new Map(professionals.filter((p) => p.adeli).map((p) => [p.adeli as string, p]));
  for (const row of rows) {
    const structure = transmittedStructure(row);
    const professional =
      row.type === "PER"
        ? ((row.rpps ? byRpps.get(row.rpps) : undefined) ?? (row.adeli ? byAdeli.get(row.adeli) : undefined) ?? null)
        : null;
    const value = structure?.value;
    const structureKnown =
      !value ||
      structures.some((s) =>
        structure?.type === "FINESS"
          ? s.identifier === value
          : s.identifier === value || s.siret === value || s.siret?.slice(0, 9) === value,
      );
    const structureHasFiness =
      !!value &&
      structure?.type !== "FINESS" &&
      structures.some((s) => s.identifierType === "FINESS" && (s.siret === value || s.siret?.slice(0, 9) === value));
    const practisesAtStructure =
      !value ||
      !professional ||
      places.some(
        (place) =>
          place.nationalId === professional.nationalId &&
          (place.structureIdentifier === value || place.finessSite === value || place.siret === value),
      );
    facts.set(row.id, {
      loaded,
      professional: professional
        ? {
            lastName: professional.lastName,
            firstName: professional.firstName,
            isCurrent: professional.isCurrent,
            isStudent: professional.categoryCode === STUDENT_CATEGORY,
          }
        : null,
      structureKnown,
      structureHasFiness,
      practisesAtStructure,
    });
  }
  return facts;
}
