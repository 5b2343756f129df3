// "Vérifier la visibilité dans l'annuaire national": an address of our domains compared with the ANS's daily
// extraction of published mailboxes (Extraction_Correspondance_MSSante). The extraction has no dates and omits
// liste rouge mailboxes; an address the console published is expected in it from the day after.

export const DIRECTORY_VISIBILITIES = [
  /** published and listed, and present in the extraction */
  "VISIBLE",
  /** published and listed more than a day before the extraction, and not in it */
  "ABSENT",
  /** in liste rouge, and not in the extraction, as expected */
  "LISTE_ROUGE",
  /** in liste rouge here, yet present in the extraction */
  "LISTE_ROUGE_VISIBLE",
  /** not published yet, or published too recently for this extraction to show it */
  "NOT_YET",
  /** present in the extraction under one of our domains, never known here */
  "UNKNOWN_HERE",
  /** present in the extraction, deleted here (its withdrawal has not reached the directory) */
  "DELETED_HERE",
] as const;
export type DirectoryVisibility = (typeof DIRECTORY_VISIBILITIES)[number];

/** The visibilities an administrator should act on (the discrepancy report lists these). */
export const DISCREPANCIES: readonly DirectoryVisibility[] = [
  "ABSENT",
  "LISTE_ROUGE_VISIBLE",
  "UNKNOWN_HERE",
  "DELETED_HERE",
];

const DAY_MS = 86_400_000;

export interface OurCorrespondence {
  /** false: liste rouge */
  listed: boolean;
  /** when the directory last accepted it (null: never published) */
  publishedAt: Date | null;
}

/**
 * How one address stands. `ours` is the console's live correspondence (null when there is none), `deletedHere`
 * whether the console deleted one at this address, `inExtraction` whether the extraction taken at `extractedAt`
 * lists it.
 */
export function directoryVisibility({
  ours,
  deletedHere,
  inExtraction,
  extractedAt,
}: {
  ours: OurCorrespondence | null;
  deletedHere: boolean;
  inExtraction: boolean;
  extractedAt: Date;
}): DirectoryVisibility | null {
  if (!ours) {
    if (!inExtraction) return null;
    return deletedHere ? "DELETED_HERE" : "UNKNOWN_HERE";
  }
  if (!ours.listed) return inExtraction ? "LISTE_ROUGE_VISIBLE" : "LISTE_ROUGE";
  if (inExtraction) return "VISIBLE";
  const settled = ours.publishedAt !== null && ours.publishedAt.getTime() <= extractedAt.getTime() - DAY_MS;
  return settled ? "ABSENT" : "NOT_YET";
}

/** The domain of an address, lowercased ("dr.x@chu.mssante.fr" → "chu.mssante.fr"); null without one. */
export function addressDomain(address: string): string | null {
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) return null;
  return address.slice(at + 1).toLowerCase();
}
