import type { ReferentialFacts } from "@medimail/domain/feed-rules";
import type { ReferentialRepository } from "../referential/referential.repository.ts";
import { type AddressRow, transmittedStructure } from "./directory-entry.ts";

/** TRE_R09 (catégorie professionnelle): E = étudiant. */
const STUDENT_CATEGORY = "E";

/**
 * What the national referential says about each row of a batch, in four queries whatever the batch size. The
 * referential tables may be empty (`loaded` false): then every fact is neutral.
 */
export async function referentialFactsOf(
  referential: ReferentialRepository,
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
    referential.professionals(rpps, adeli),
    // every identifier also as a SIREN (the first nine digits of a SIRET)
    referential.structuresByIdentifier(identifiers, identifiers),
  ]);
  const nationalIds = professionals.map((professional) => professional.nationalId);
  const places = identifiers.length === 0 ? [] : await referential.practicePlaces(nationalIds);

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
