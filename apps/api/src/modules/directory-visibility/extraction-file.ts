// The ANS's daily extraction of the mailboxes published in the national directory (Extraction_Correspondance_MSSante):
// UTF-8, `|`-separated, one header line, 31 columns, about 535,000 lines; the address is the key (an address may be
// on several lines). Read as a stream with bounded lines: only the addresses of our domains are kept.
import { addressDomain } from "@medimail/domain/directory-visibility";
import { boundedLines, LINE_LIMIT, lineTooLongReason } from "../../lib/bounded-lines.ts";

export const EXTRACTION_COLUMNS = [
  "Type de BAL",
  "Adresse BAL",
  "Type Identifiant PP",
  "Identifiant PP",
  "Identification nationale PP",
  "Type identifiant structure",
  "Identification Structure",
  "Service de rattachement",
  "Civilité d'exercice",
  "Nom d'exercice",
  "Prénom d'exercice",
  "Catégorie profession",
  "Libellé de catégorie profession",
  "Code Profession",
  "Libellé Profession",
  "Code savoir-faire",
  "Libellé savoir-faire",
  "Dématérialisation",
  "Raison Sociale structure BAL",
  "Enseigne commerciale structure BAL",
  "L2COMPLEMENTLOCALISATION",
  "L3COMPLEMENTDISTRIBUTION",
  "L4NUMEROVOIE",
  "L4COMPLEMENTNUMEROVOIE",
  "NL4TYPEVOIE",
  "L4LIBELLEVOIE",
  "L5LIEUDITMENTION",
  "L6LIGNEACHEMINEMENT",
  "Code postal",
  "Département",
  "Pays",
] as const;

const column = (name: (typeof EXTRACTION_COLUMNS)[number]) => EXTRACTION_COLUMNS.indexOf(name);
const TYPE = column("Type de BAL");
const ADDRESS = column("Adresse BAL");
const NATIONAL_ID = column("Identification nationale PP");
const STRUCTURE_ID = column("Identification Structure");
const LAST_NAME = column("Nom d'exercice");
const FIRST_NAME = column("Prénom d'exercice");
const COMPANY = column("Raison Sociale structure BAL");

/** The first malformed lines kept for the report (the count covers them all). */
export const PROBLEMS_KEPT = 20;
const BATCH = 1000;

export interface ExtractionAddress {
  address: string;
  type: string;
  identifier: string | null;
  name: string | null;
}

export interface ExtractionProblem {
  line: number;
  reason: string;
}

/** What a reading saw, filled as it goes. */
export interface ExtractionTally {
  lines: number;
  malformed: number;
  problems: ExtractionProblem[];
}

export class ExtractionFormatError extends Error {}

const clip = (text: string | undefined, length: number) => {
  const value = (text ?? "").trim();
  return value === "" ? null : value.slice(0, length);
};

function checkHeader(text: string | null) {
  const names = (text ?? "").replace(/^\uFEFF/, "").split("|");
  if (
    names.length < EXTRACTION_COLUMNS.length ||
    names[TYPE]?.trim() !== "Type de BAL" ||
    names[ADDRESS]?.trim() !== "Adresse BAL"
  ) {
    throw new ExtractionFormatError(
      "Ce fichier n'est pas l'extraction Extraction_Correspondance_MSSante de l'ANS : sa première ligne doit nommer les 31 colonnes séparées par « | », en commençant par « Type de BAL|Adresse BAL ».",
    );
  }
}

/**
 * The addresses of the domains `keep` accepts, in batches, from the extraction's text. Lines that are not 31
 * columns, or carry no valid address, are counted in `tally` (the first ones with their reason) and skipped.
 */
export async function* readExtraction(
  chunks: AsyncIterable<string>,
  keep: (domain: string) => boolean,
  tally: ExtractionTally,
): AsyncGenerator<ExtractionAddress[]> {
  let batch: ExtractionAddress[] = [];
  const problem = (line: number, reason: string) => {
    tally.malformed++;
    if (tally.problems.length < PROBLEMS_KEPT) tally.problems.push({ line, reason });
  };
  let header = true;
  for await (const { number, text } of boundedLines(chunks, LINE_LIMIT)) {
    if (header) {
      checkHeader(text);
      header = false;
      continue;
    }
    if (text === "") continue;
    tally.lines++;
    if (text === null) {
      problem(number, lineTooLongReason());
      continue;
    }
    const cells = text.split("|");
    // a trailing "|" gives a 32nd empty cell
    if (
      cells.length !== EXTRACTION_COLUMNS.length &&
      !(cells.length === EXTRACTION_COLUMNS.length + 1 && cells.at(-1) === "")
    ) {
      problem(number, `${cells.length} colonnes au lieu de ${EXTRACTION_COLUMNS.length}`);
      continue;
    }
    const address = (cells[ADDRESS] ?? "").trim().toLowerCase();
    const domain = addressDomain(address);
    if (!domain || address.length > 254 || /\s/.test(address)) {
      problem(number, "adresse BAL absente ou invalide");
      continue;
    }
    if (!keep(domain)) continue;
    const person = [cells[LAST_NAME], cells[FIRST_NAME]]
      .map((part) => (part ?? "").trim())
      .filter(Boolean)
      .join(" ");
    batch.push({
      address,
      type: clip(cells[TYPE], 10) ?? "",
      identifier: clip(cells[NATIONAL_ID], 100) ?? clip(cells[STRUCTURE_ID], 100),
      name: clip(person, 300) ?? clip(cells[COMPANY], 300),
    });
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (header)
    throw new ExtractionFormatError("Le fichier est vide : l'extraction de l'ANS commence par une ligne d'en-tête.");
  if (batch.length > 0) yield batch;
}
