// Lines of the ANS's national extraction as its format says (31 `|`-separated columns), for tests and benchmarks.
import { EXTRACTION_COLUMNS } from "./extraction-file.ts";

export const EXTRACTION_HEADER = EXTRACTION_COLUMNS.join("|");

/** One line of the extraction: a PER mailbox by default, with the given cells. */
export function extractionLine(cells: {
  type?: string;
  address: string;
  nationalId?: string;
  structureId?: string;
  lastName?: string;
  firstName?: string;
  company?: string;
}): string {
  const row: string[] = EXTRACTION_COLUMNS.map(() => "");
  const set = (name: (typeof EXTRACTION_COLUMNS)[number], value: string | undefined) => {
    row[EXTRACTION_COLUMNS.indexOf(name)] = value ?? "";
  };
  set("Type de BAL", cells.type ?? "PER");
  set("Adresse BAL", cells.address);
  set("Type Identifiant PP", cells.nationalId ? "8" : "");
  set("Identifiant PP", cells.nationalId?.slice(1));
  set("Identification nationale PP", cells.nationalId);
  set("Identification Structure", cells.structureId);
  set("Nom d'exercice", cells.lastName);
  set("Prénom d'exercice", cells.firstName);
  set("Raison Sociale structure BAL", cells.company);
  set("Code postal", "31000");
  set("Département", "31");
  set("Pays", "FRANCE");
  return row.join("|");
}

/** A whole extraction's text: the header, then the lines, each ended by CRLF as the ANS's files are. */
export function extractionText(lines: string[]): string {
  return [EXTRACTION_HEADER, ...lines].map((line) => `${line}\r\n`).join("");
}
