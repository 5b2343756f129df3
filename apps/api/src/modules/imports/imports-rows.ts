// From a file's records to loaduser rows: the header row (columns found by their header, in any order, accents and
// case ignored), then each row's cells as the text of its column.
import { ACCOUNT_LIMITS } from "@medimail/contracts/accounts";
import { LOADUSER_COLUMNS, type LoaduserKey } from "@medimail/contracts/loaduser";
import { foldForSearch } from "@medimail/domain/text";
import { headerOf, REQUIRED_KEYS } from "../template/template-columns.ts";
import { type FileKind, ImportFileRefused, readRecords } from "./imports-files.ts";
import type { Cell, FileRecord } from "./imports-records.ts";

/** A header as compared: folded, without the "*" of required columns or a trailing colon. */
const foldHeader = (text: string) =>
  foldForSearch(text)
    .replace(/[*:]/g, "")
    .replace(/[\s_]+/g, " ")
    .trim();

/** Other names people give these columns. */
const ALIASES: Partial<Record<LoaduserKey, string[]>> = {
  type: ["type", "type bal", "type de boite"],
  email: ["email", "e-mail", "mail", "adresse e-mail", "adresse email", "courriel"],
  nationalId: ["rpps", "adeli", "rpps ou adeli", "rpps/adeli"],
  regionCode: ["region code", "code region"],
};

const KEY_BY_HEADER = new Map<string, LoaduserKey>();
for (const column of LOADUSER_COLUMNS) {
  KEY_BY_HEADER.set(foldHeader(column.header), column.key);
  for (const alias of ALIASES[column.key] ?? []) KEY_BY_HEADER.set(foldHeader(alias), column.key);
}

/** The longest text each column takes before the row is refused (the form's limits, or a generous bound). */
export const CELL_LIMITS: Record<LoaduserKey, number> = {
  type: 50,
  email: ACCOUNT_LIMITS.email,
  lastName: ACCOUNT_LIMITS.name,
  firstName: ACCOUNT_LIMITS.name,
  profession: 150,
  regionCode: 100,
  nationalId: 30,
  finessSite: 30,
  phone: 30,
  addressLine: ACCOUNT_LIMITS.addressLine,
  postcode: 10,
  city: ACCOUNT_LIMITS.city,
  connectionAccounts: ACCOUNT_LIMITS.connectionAccounts * (ACCOUNT_LIMITS.email + 1),
  description: ACCOUNT_LIMITS.description,
  responsibleLastName: ACCOUNT_LIMITS.name,
  responsibleFirstName: ACCOUNT_LIMITS.name,
  responsibleProfession: 150,
  responsibleId: 30,
  returnAddress: ACCOUNT_LIMITS.email,
  unlisted: 10,
  dematerialisation: 10,
};

export interface Header {
  /** the column index of each key found */
  columns: Map<LoaduserKey, number>;
  /** headers that are no loaduser column: ignored, listed as a warning */
  unknown: string[];
}

/** The header row's columns; refuses the file when a required header is missing or a column appears twice. */
export function readHeader(cells: readonly Cell[]): Header {
  const columns = new Map<LoaduserKey, number>();
  const unknown: string[] = [];
  const twice = new Set<string>();
  cells.forEach((cell, index) => {
    const text = cell === null ? "" : String(cell).trim();
    if (text === "") return;
    const key = KEY_BY_HEADER.get(foldHeader(text));
    if (!key) unknown.push(text);
    else if (columns.has(key)) twice.add(headerOf(key));
    else columns.set(key, index);
  });
  const missing = REQUIRED_KEYS.filter((key) => !columns.has(key)).map((key) => `« ${headerOf(key)} »`);
  if (missing.length > 0) {
    throw new ImportFileRefused(
      `${missing.length > 1 ? "Colonnes obligatoires absentes" : "Colonne obligatoire absente"} de la ligne ` +
        `d'en-tête : ${missing.join(", ")}. Partez du modèle loaduser : la première ligne doit porter les noms de ` +
        "colonnes (dans n'importe quel ordre).",
    );
  }
  if (twice.size > 0) {
    throw new ImportFileRefused(
      `${[...twice].map((header) => `« ${header} »`).join(", ")} : ${twice.size > 1 ? "ces colonnes figurent" : "cette colonne figure"} deux fois dans la ligne d'en-tête.`,
    );
  }
  return { columns, unknown };
}

/** A row of the file: the text of each column found (absent columns are absent), blank rows flagged. */
export interface FileRow {
  line: number;
  values: Partial<Record<LoaduserKey, string>>;
  blank: boolean;
  quoteError: boolean;
}

/**
 * A cell as the text of its column. Spreadsheets drop leading zeros from what looks like a number (postcode 01000
 * becomes 1000, even through a CSV saved by Excel): a postcode, FINESS or phone number of digits gets them back,
 * and so does an RPPS/ADELI typed as a number in a cell.
 */
export function cellText(key: LoaduserKey, cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell === "boolean") return cell ? "oui" : "non";
  if (typeof cell === "number") {
    if (!Number.isInteger(cell) || cell < 0) return String(cell);
    const digits = cell < 1e21 ? cell.toFixed(0) : String(cell);
    if ((key === "nationalId" || key === "responsibleId") && (digits.length === 8 || digits.length === 10)) {
      return `0${digits}`;
    }
    return withLeadingZeros(key, digits);
  }
  if (/^\d+$/.test(cell)) return withLeadingZeros(key, cell);
  const text = storable(cell);
  // a line break typed in a cell (Alt+Entrée) is a space, except where it separates addresses
  return key === "connectionAccounts" ? text : text.replace(/[ \t]*(\r\n|\r|\n)+[ \t]*/g, " ");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store: no NUL character, no half of a surrogate pair (U+FFFD in its place, as a decoder
 * does). A workbook can hold both (Excel's _x0000_ and _xD800_ escapes); the database would refuse the batch.
 */
function storable(text: string): string {
  const withoutNul = text.includes("\u0000") ? text.replaceAll("\u0000", "") : text;
  return /[\uD800-\uDFFF]/.test(withoutNul) ? withoutNul.replace(LONE_SURROGATE, "\uFFFD") : withoutNul;
}

function withLeadingZeros(key: LoaduserKey, digits: string): string {
  if (key === "postcode" && digits.length === 4) return `0${digits}`;
  if (key === "finessSite" && digits.length === 8) return `0${digits}`;
  if (key === "phone" && digits.length === 9) return `0${digits}`;
  return digits;
}

export interface OpenedFile {
  header: Header;
  /** the header's line */
  headerLine: number;
  rows: AsyncGenerator<FileRow>;
}

/** How far down a sheet the header row may be (a title above the table is tolerated). */
const HEADER_SEARCH_ROWS = 20;

/**
 * Finds the header (a CSV's first non-blank line; in a workbook, the first sheet with the loaduser's headers among
 * its first rows, so that a "Consignes" sheet before the users' one is skipped), then streams that sheet's rows.
 */
export function openRows(content: Buffer, kind: FileKind): Promise<OpenedFile> {
  return openRecords(readRecords(content, kind), kind.format);
}

/** As `openRows`, over records read from elsewhere (a CSV read from the database slice by slice). */
export async function openRecords(
  records: AsyncGenerator<FileRecord>,
  format: FileKind["format"],
): Promise<OpenedFile> {
  let header: Header | null = null;
  let headerRecord: FileRecord | null = null;
  let firstRefusal: unknown = null;
  let seenInSheet = 0;
  let sheet = -1;
  // read by hand: a for-await loop left with `break` would close the generator that the rows continue
  while (true) {
    const next = await records.next();
    if (next.done) break;
    const record = next.value;
    if (record.sheet !== sheet) {
      sheet = record.sheet;
      seenInSheet = 0;
    }
    if (record.cells.every((cell) => cell === null || String(cell).trim() === "")) continue;
    if (format === "XLSX" && seenInSheet >= HEADER_SEARCH_ROWS) continue;
    seenInSheet++;
    try {
      header = readHeader(record.cells);
      headerRecord = record;
      break;
    } catch (error) {
      firstRefusal ??= error;
      if (format === "CSV") throw error;
    }
  }
  if (!header || !headerRecord) {
    if (firstRefusal) throw firstRefusal;
    throw new ImportFileRefused("Le fichier ne contient aucune ligne : il est vide.");
  }
  const found = header;
  const headerSheet = headerRecord.sheet;

  async function* rows(): AsyncGenerator<FileRow> {
    for await (const record of records) {
      if (record.sheet !== headerSheet) continue; // later sheets are read through (and ignored)
      const values: Partial<Record<LoaduserKey, string>> = {};
      let blank = true;
      for (const [key, index] of found.columns) {
        const text = cellText(key, record.cells[index] ?? null);
        values[key] = text;
        if (text.trim() !== "") blank = false;
      }
      yield { line: record.line, values, blank, quoteError: record.quoteError ?? false };
    }
  }
  return { header: found, headerLine: headerRecord.line, rows: rows() };
}
