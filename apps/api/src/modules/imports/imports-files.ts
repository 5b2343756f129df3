// The files of "Importer une liste d'utilisateurs": what a file is (decided by its first bytes, never by its name),
// the checks made before parsing it (zip bombs), and readers that stream its rows with bounded memory.
import { isUtf8 as isUtf8Slice } from "node:buffer";
import { setImmediate as nextTurn } from "node:timers/promises";
import { createInflateRaw } from "node:zlib";
import { IMPORT_LIMITS } from "@medimail/contracts/imports";
import Papa from "papaparse";
import { AppError } from "../../lib/errors.ts";
import { filledCells, lineTooLongMessage, PARSER_LIMITS, tooManyCellsMessage } from "./imports-limits.ts";
import type { FileRecord } from "./imports-records.ts";
import {
  bytesInMemory,
  bytesOf,
  readXlsxRecords,
  XlsxFormatError,
  XlsxLimitError,
  type ZipBytes,
  type ZipPart,
} from "./imports-xlsx.ts";

/** Thrown when an import's stored file is emptied (purged) while it is read. */
export class StoredFileGone extends Error {}

/** A file the import refuses as a whole, with the reason in French; nothing is stored. */
export class ImportFileRefused extends AppError {
  constructor(message: string) {
    super(400, "VALIDATION_FAILED", message);
  }
}

export type CsvEncoding = "utf-8" | "windows-1252" | "utf-16le" | "utf-16be";
export type FileKind = { format: "CSV"; encoding: CsvEncoding } | { format: "XLSX" };

const SAVE_AS = "Ouvrez-le dans Excel (ou LibreOffice) et enregistrez-le au format Classeur Excel (.xlsx) ou CSV.";

const startsWith = (content: Buffer, bytes: number[]) => bytes.every((byte, index) => content[index] === byte);

/** Bytes that Windows-1252 leaves undefined: a file holding them is neither UTF-8 nor Windows-1252. */
const UNDEFINED_IN_1252 = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

/**
 * What the file is, from its first bytes: an XLSX (a zip), or text read as CSV (UTF-8 with or without BOM,
 * UTF-16 with BOM, otherwise Windows-1252). Excel 97-2003 files, web pages and other binaries are refused.
 */
export function detectFile(content: Buffer): FileKind {
  if (content.length === 0) throw new ImportFileRefused("Le fichier est vide.");
  if (startsWith(content, [0x50, 0x4b, 0x03, 0x04])) return { format: "XLSX" };
  if (startsWith(content, [0x50, 0x4b, 0x05, 0x06])) {
    throw new ImportFileRefused("Ce fichier est une archive zip vide, pas un classeur XLSX.");
  }
  if (startsWith(content, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    throw new ImportFileRefused(
      "Ce fichier est au format Excel 97-2003 (.xls), que l'import ne lit pas (ce format permet de cacher du code " +
        "malveillant). Dans Excel, choisissez Fichier › Enregistrer sous › Classeur Excel (.xlsx) ou CSV, puis " +
        "déposez le nouveau fichier. (Un classeur .xlsx protégé par un mot de passe a la même forme : retirez " +
        "d'abord le mot de passe.)",
    );
  }
  if (startsWith(content, [0x25, 0x50, 0x44, 0x46])) {
    throw new ImportFileRefused(`Ce fichier est un PDF, pas un tableau. ${SAVE_AS}`);
  }
  let encoding: CsvEncoding;
  let text: string;
  if (startsWith(content, [0xff, 0xfe]) || startsWith(content, [0xfe, 0xff])) {
    encoding = content[0] === 0xff ? "utf-16le" : "utf-16be";
    text = new TextDecoder(encoding).decode(content.subarray(0, 4096));
  } else {
    if (content.includes(0)) {
      throw new ImportFileRefused(`Ce fichier n'est ni un CSV ni un classeur XLSX (contenu binaire). ${SAVE_AS}`);
    }
    encoding = isUtf8(content) ? "utf-8" : "windows-1252";
    if (encoding === "windows-1252" && UNDEFINED_IN_1252.some((byte) => content.includes(byte))) {
      throw new ImportFileRefused(
        "Ce fichier texte n'est ni en UTF-8 ni en Windows-1252 (il contient des octets invalides dans ces deux " +
          "encodages). Dans Excel, enregistrez-le au format « CSV UTF-8 (délimité par des virgules) ».",
      );
    }
    text = content.subarray(startsWith(content, [0xef, 0xbb, 0xbf]) ? 3 : 0, 4096).toString("latin1");
  }
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start === "") throw new ImportFileRefused("Le fichier est vide.");
  if (start.startsWith("<")) {
    throw new ImportFileRefused(
      "Ce fichier est une page web ou un document XML (il commence par « < »), pas un tableau CSV ou XLSX, même " +
        `si son nom le laisse croire. ${SAVE_AS}`,
    );
  }
  return { format: "CSV", encoding };
}

/** Bytes of a file read (and checked) at a time: bounds each step the event loop waits for. */
const SLICE_BYTES = 256 * 1024;

/**
 * Valid UTF-8 from end to end (a BOM is fine), checked a slice at a time without building any text. Each slice ends
 * where a character starts (never on a continuation byte), so a character is never split between two slices: the
 * file is valid if and only if every slice is.
 */
export function isUtf8(content: Buffer, sliceBytes = SLICE_BYTES): boolean {
  let start = 0;
  while (start < content.length) {
    let end = Math.min(start + sliceBytes, content.length);
    // back to the start of the character `end` falls in (at most 3 continuation bytes; more is invalid anyway)
    for (let back = 0; back < 3 && end < content.length && end > start + 1 && isContinuation(content[end]); back++) {
      end--;
    }
    if (!isUtf8Slice(content.subarray(start, end))) return false;
    start = end;
  }
  return true;
}

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

// --- XLSX: the zip's structure, checked before anything inflates it ---------------------------------------------

const MAX_ZIP_ENTRIES = 1_000;
const brokenZip = () => new ImportFileRefused(`Ce fichier XLSX est endommagé (archive zip illisible). ${SAVE_AS}`);
const mebibytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} Mo`;

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * An XLSX is a zip whose parts a few megabytes can inflate to gigabytes (a "zip bomb"). Before the XLSX reader
 * sees it: the central directory must describe entries laid end to end from the first byte (no hidden entry for a
 * streaming reader to find), none encrypted or zip64, and the parts must inflate — really, not just as announced —
 * to at most `limit` bytes in all, each no larger than it says. Inflated bytes are counted, not kept.
 */
export async function checkXlsxZip(content: Buffer, limit: number = IMPORT_LIMITS.uncompressedBytes): Promise<void> {
  const entries = xlsxParts(content);
  const names = new Set(entries.map((entry) => entry.name));
  if (names.has("mimetype") && names.has("content.xml")) {
    throw new ImportFileRefused(`Ce fichier est au format OpenDocument (.ods), pas XLSX. ${SAVE_AS}`);
  }
  if (!names.has("xl/workbook.xml") || ![...names].some((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name))) {
    throw new ImportFileRefused(
      `Ce fichier est une archive zip mais pas un classeur Excel (.xlsx) : aucune feuille de calcul. ${SAVE_AS}`,
    );
  }
  const announced = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (announced > limit) {
    throw new ImportFileRefused(
      `Ce classeur décompressé occuperait ${mebibytes(announced)}, au-delà des ${mebibytes(limit)} acceptés : ` +
        "découpez-le en plusieurs fichiers (ou supprimez les feuilles inutiles).",
    );
  }
  for (const entry of entries) {
    const data = content.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
    // the announced sizes fit in the limit: an entry stopped just past its own announced size keeps the total there
    const size = entry.method === 0 ? data.length : await inflatedSize(data, entry.size + 1);
    if (size > entry.size) {
      throw new ImportFileRefused(
        `Ce fichier XLSX est suspect : la partie ${entry.name} se décompresse au-delà de la taille qu'elle annonce ` +
          "(archive piégée ou endommagée).",
      );
    }
  }
}

/** The zip's parts as its central directory lists them, after checking the zip's structure (nothing inflated). */
export function xlsxParts(content: Buffer): ZipPart[] {
  return readCentralDirectory(content).map((entry) => ({
    name: entry.name,
    method: entry.method,
    compressedSize: entry.compressedSize,
    size: entry.size,
    dataOffset:
      entry.localOffset +
      30 +
      content.readUInt16LE(entry.localOffset + 26) +
      content.readUInt16LE(entry.localOffset + 28),
  }));
}

function readCentralDirectory(content: Buffer): ZipEntry[] {
  const tailOffset = Math.max(0, content.length - 22 - 65_535);
  const { count, directoryOffset, end } = readEndRecord(content.subarray(tailOffset), tailOffset);
  const entries = readDirectoryEntries(content.subarray(directoryOffset, end), count);
  // entries laid end to end from the start, then the directory: nothing a streaming reader could meet unannounced
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  let expected = 0;
  for (const entry of byOffset) {
    const at = entry.localOffset;
    if (at !== expected || at + 30 > directoryOffset || content.readUInt32LE(at) !== 0x04034b50) throw brokenZip();
    const localFlags = content.readUInt16LE(at + 6);
    expected = at + 30 + content.readUInt16LE(at + 26) + content.readUInt16LE(at + 28) + entry.compressedSize;
    if (localFlags & 0x8) {
      // data descriptor after the data: crc, sizes, with or without its signature
      expected += expected + 4 <= directoryOffset && content.readUInt32LE(expected) === 0x08074b50 ? 16 : 12;
    }
    if (expected > directoryOffset) throw brokenZip();
  }
  if (expected !== directoryOffset) throw brokenZip();
  return entries;
}

/** Where the central directory is, from the end-of-central-directory record. */
interface EndRecord {
  count: number;
  directoryOffset: number;
  /** the record's own offset, where the directory must end */
  end: number;
}

/**
 * The end-of-central-directory record, looked for in the zip's last bytes (`tail`, which starts at `tailOffset`):
 * 22 bytes, then a comment of at most 65,535 bytes.
 */
function readEndRecord(tail: Buffer, tailOffset: number): EndRecord {
  let found = -1;
  for (let offset = tail.length - 22; offset >= 0; offset--) {
    if (tail.readUInt32LE(offset) === 0x06054b50) {
      found = offset;
      break;
    }
  }
  if (found < 0) throw brokenZip();
  const count = tail.readUInt16LE(found + 10);
  const directorySize = tail.readUInt32LE(found + 12);
  const directoryOffset = tail.readUInt32LE(found + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) {
    throw new ImportFileRefused("Ce fichier XLSX est au format zip64, réservé aux très gros fichiers : découpez-le.");
  }
  if (count > MAX_ZIP_ENTRIES) {
    throw new ImportFileRefused(`Ce fichier XLSX compte ${count} parties : ce n'est pas un classeur ordinaire.`);
  }
  const end = tailOffset + found;
  if (directoryOffset + directorySize > end) throw brokenZip();
  return { count, directoryOffset, end };
}

/** The central directory's entries (`directory`: its bytes, up to the end record), each checked. */
function readDirectoryEntries(directory: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let offset = 0;
  for (let index = 0; index < count; index++) {
    if (offset + 46 > directory.length || directory.readUInt32LE(offset) !== 0x02014b50) throw brokenZip();
    const nameLength = directory.readUInt16LE(offset + 28);
    const entry: ZipEntry = {
      flags: directory.readUInt16LE(offset + 8),
      method: directory.readUInt16LE(offset + 10),
      compressedSize: directory.readUInt32LE(offset + 20),
      size: directory.readUInt32LE(offset + 24),
      localOffset: directory.readUInt32LE(offset + 42),
      name: directory.toString("utf8", offset + 46, offset + 46 + nameLength),
    };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localOffset === 0xffffffff) {
      throw new ImportFileRefused("Ce fichier XLSX est au format zip64, réservé aux très gros fichiers : découpez-le.");
    }
    if (entry.flags & 0x1) {
      throw new ImportFileRefused("Ce classeur est protégé par un mot de passe : retirez-le, puis déposez le fichier.");
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw new ImportFileRefused(`Ce fichier XLSX utilise une compression inconnue d'Excel. ${SAVE_AS}`);
    }
    if (entry.method === 0 && entry.compressedSize !== entry.size) throw brokenZip();
    entries.push(entry);
    offset += 46 + nameLength + directory.readUInt16LE(offset + 30) + directory.readUInt16LE(offset + 32);
  }
  return entries;
}

/**
 * The parts of a stored XLSX, read from its end: the end record, the central directory, then each part's local
 * header (where its data starts). For a file the upload checked whole (`checkXlsxZip`); this reads a few kilobytes.
 */
export async function storedXlsxParts(source: ZipBytes): Promise<ZipPart[]> {
  const tailOffset = Math.max(0, source.size - 22 - 65_535);
  const { count, directoryOffset, end } = readEndRecord(
    await bytesOf(source, tailOffset, source.size - tailOffset),
    tailOffset,
  );
  const entries = readDirectoryEntries(await bytesOf(source, directoryOffset, end - directoryOffset), count);
  const parts: ZipPart[] = [];
  for (const entry of entries) {
    const local = await bytesOf(source, entry.localOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw brokenZip();
    const { name, method, compressedSize, size } = entry;
    const dataOffset = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    parts.push({ name, method, compressedSize, size, dataOffset });
  }
  return parts;
}

/** Bytes a raw deflate stream inflates to, counted chunk by chunk; stops as soon as `stopAbove` is reached. */
function inflatedSize(data: Buffer, stopAbove: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let size = 0;
    let done = false;
    inflate.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size >= stopAbove && !done) {
        done = true;
        inflate.destroy();
        resolve(size);
      }
    });
    inflate.on("end", () => {
      if (!done) resolve(size);
    });
    inflate.on("error", () => {
      if (!done) reject(new ImportFileRefused(`Ce fichier XLSX est endommagé (données illisibles). ${SAVE_AS}`));
    });
    inflate.end(data);
  });
}

// --- readers ----------------------------------------------------------------------------------------------------

/** Every row of every sheet, in order. Memory stays bounded by the batch, not by the file. */
export function readRecords(content: Buffer, kind: FileKind): AsyncGenerator<FileRecord> {
  return kind.format === "XLSX"
    ? readXlsx(bytesInMemory(content), async () => xlsxParts(content))
    : readCsv(content, kind.encoding);
}

/**
 * The records of an XLSX read from elsewhere a range at a time (stored in the database, checked at its upload): its
 * directory first, then each part's data as the reader gets to it, never the whole file.
 */
export function readStoredXlsx(source: ZipBytes): AsyncGenerator<FileRecord> {
  return readXlsx(source, () => storedXlsxParts(source));
}

async function* readXlsx(source: ZipBytes, partsOf: () => Promise<ZipPart[]>): AsyncGenerator<FileRecord> {
  try {
    yield* readXlsxRecords(source, await partsOf());
  } catch (error) {
    if (error instanceof AppError || error instanceof StoredFileGone) throw error;
    if (error instanceof XlsxLimitError) throw new ImportFileRefused(error.message);
    const reason = error instanceof XlsxFormatError ? error.message : "données illisibles";
    throw new ImportFileRefused(`Ce fichier XLSX est illisible (${reason}). ${SAVE_AS}`);
  }
}

/** The separator of the first line: semicolon (French Excel), comma or tab, whichever it has most of. */
export function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r|\n/) === -1 ? text.length : text.search(/\r|\n/));
  const counts = [";", ",", "\t"].map((delimiter) => ({ delimiter, count: firstLine.split(delimiter).length - 1 }));
  counts.sort((a, b) => b.count - a.count);
  return counts[0]?.count ? (counts[0].delimiter as string) : ";";
}

/** The line break of the text's first line (a file may also end with no line break at all). */
function detectNewline(text: string): "\r\n" | "\n" | "\r" {
  const firstBreak = text.search(/\r\n|\n|\r/);
  if (firstBreak === -1) return "\n";
  return text.startsWith("\r\n", firstBreak) ? "\r\n" : (text[firstBreak] as "\n" | "\r");
}

/**
 * Bytes of a CSV decoded and parsed at a time: bounds the rows waiting in memory (about 1,500 loaduser rows) and the
 * time the event loop waits for each step (other requests are served between two slices).
 */
const CSV_SLICE = SLICE_BYTES;

/**
 * Papaparse's own parser, under its streaming wrappers: `parse(text, 0, true)` hands each complete row of the text to
 * `step`, with in `meta.cursor` where the row ends (a quoted cell may hold line breaks), and answers in
 * `meta.cursor` where the last incomplete one starts.
 */
interface CsvTextParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): Papa.ParseResult<string[]>;
}
const CsvTextParser = (Papa as unknown as { Parser: new (config: Papa.ParseConfig) => CsvTextParser }).Parser;

/** A file's bytes a slice at a time. */
function* slicesOf(content: Buffer, sliceBytes: number): Generator<Buffer> {
  for (let offset = 0; offset < content.length; offset += sliceBytes)
    yield content.subarray(offset, offset + sliceBytes);
}

function readCsv(content: Buffer, encoding: CsvEncoding, sliceBytes = CSV_SLICE): AsyncGenerator<FileRecord> {
  return readCsvSlices(slicesOf(content, sliceBytes), encoding);
}

/**
 * The records of a CSV given as slices of its bytes (of a file in memory, or read from the database as the apply
 * goes), decoding and parsing one slice at a time: the whole text of a 20 MB file is never built (it was 15 to
 * 30 MB of strings outside the heap's limit, held for the whole import). What a slice ends with — half a
 * character, half a row, a quoted cell left open — is carried over to the next one.
 */
export async function* readCsvSlices(
  slices: Iterable<Buffer> | AsyncIterable<Buffer>,
  encoding: CsvEncoding,
): AsyncGenerator<FileRecord> {
  const decoder = new TextDecoder(encoding);
  let parser: CsvTextParser | null = null;
  let newline = "\n";
  /** the rows of the text being parsed, as `step` hands them: cells, where the row ends, quotes not closed */
  let parsed: { cells: string[]; end: number; quoteError: boolean }[] = [];
  let pending = "";
  let line = 0;
  const source = (async function* () {
    let sinceTurn = 0;
    for await (const slice of slices) {
      for (let offset = 0; offset < slice.length; offset += CSV_SLICE) {
        const part = offset === 0 && slice.length <= CSV_SLICE ? slice : slice.subarray(offset, offset + CSV_SLICE);
        // decoding and parsing is all CPU: let the event loop serve others between two slices' worth of work
        sinceTurn += part.length;
        if (sinceTurn >= CSV_SLICE) {
          sinceTurn = 0;
          await nextTurn();
        }
        yield part;
      }
    }
  })();
  let next = await source.next();
  while (true) {
    const slice: Buffer | undefined = next.done ? undefined : next.value;
    if (slice) next = await source.next();
    const last = next.done === true;
    const text = slice ? decoder.decode(slice, { stream: !last }) : decoder.decode();
    pending += text;
    if (parser && !last && !/[\r\n]/.test(text)) {
      // no line break came: no row can have ended (parsing again would only redo the same work)
      if (pending.length > PARSER_LIMITS.lineChars + newline.length) {
        throw new ImportFileRefused(lineTooLongMessage(line + 1));
      }
      continue;
    }
    if (!parser) {
      // the separator and the line break are those of the first line: wait until it is whole (and, after a
      // carriage return, until the next character says whether the break is CRLF) — but not beyond the bound
      const firstBreak = pending.search(/\r|\n/);
      if (firstBreak > PARSER_LIMITS.lineChars || (firstBreak === -1 && pending.length > PARSER_LIMITS.lineChars)) {
        throw new ImportFileRefused(lineTooLongMessage(1));
      }
      if (!last && (firstBreak === -1 || firstBreak === pending.length - 1)) continue;
      newline = detectNewline(pending);
      parser = new CsvTextParser({
        delimiter: detectDelimiter(pending),
        newline: newline as Papa.ParseConfig["newline"],
        quoteChar: '"',
        // (under the streaming wrappers, `data` is the row's array of rows, of one row)
        step: ((row: { data: string[][]; errors: Papa.ParseError[]; meta: Papa.ParseMeta }) => {
          parsed.push({
            cells: row.data[0] ?? [],
            end: row.meta.cursor,
            quoteError: row.errors.some((error) => error.type === "Quotes"),
          });
        }) as unknown as Papa.ParseConfig["step"],
      });
    }
    const result = parser.parse(pending, 0, !last);
    let start = 0;
    for (const { cells, end, quoteError } of parsed) {
      line++;
      const length = end - start - (pending.startsWith(newline, end - newline.length) ? newline.length : 0);
      if (length > PARSER_LIMITS.lineChars) throw new ImportFileRefused(lineTooLongMessage(line));
      if (filledCells(cells) > PARSER_LIMITS.filledCells) throw new ImportFileRefused(tooManyCellsMessage(line));
      start = end;
      yield { sheet: 0, line, cells, quoteError };
    }
    parsed = [];
    if (last) return;
    pending = pending.slice(result.meta.cursor);
    // the row carried over is incomplete: beyond the bound (and its line break, which may be half there), it is
    // refused now rather than grown slice after slice
    if (pending.length > PARSER_LIMITS.lineChars + newline.length) {
      throw new ImportFileRefused(lineTooLongMessage(line + 1));
    }
  }
}

/** For tests: the CSV reader with small slices, so that rows and characters straddle them. */
export const readCsvInSlices = readCsv;
