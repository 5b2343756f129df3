// A lean streaming reader of an XLSX's cell values: the workbook's sheets in order, the shared strings, then each
// sheet's rows, inflated and scanned a chunk at a time. It reads values only (no styles, formulas' results as
// values), which is all an import needs, with memory bounded by the shared strings and one row.
//
// Why not exceljs's streaming reader: on a 100,000-row loaduser file it takes 6 s and a peak RSS near 500 MB (a
// Row and a Cell object per value, promoted to the old generation faster than it is collected), above the 300 MB
// the whole API process is allowed during an import. This one reads the same file in about a second within a few
// tens of megabytes. exceljs still writes workbooks (template, exports, tests).
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflateRaw } from "node:zlib";
import {
  cellTooLongMessage,
  filledCells,
  PARSER_LIMITS,
  rowXmlTooLargeMessage,
  sharedStringsTooLargeMessage,
  sharedStringTooLongMessage,
  sharedStringXmlTooLargeMessage,
  tooManyCellsMessage,
} from "./imports-limits.ts";
import type { Cell, FileRecord } from "./imports-records.ts";

/** An entry of the zip, where its data starts, as listed (and checked) by the central directory. */
export interface ZipPart {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  dataOffset: number;
}

export class XlsxFormatError extends Error {}

/** A workbook beyond one of the readers' bounds: its message is the refusal, in French, as it stands. */
export class XlsxLimitError extends Error {}

/**
 * A zip's bytes, wherever they are: a file in memory (at the upload), or one stored in the database and read a
 * range at a time (the apply), so that the reader never needs the whole file at once.
 */
export interface ZipBytes {
  size: number;
  /** the `length` bytes from `offset`, in slices */
  ranges(offset: number, length: number): AsyncIterable<Buffer>;
}

export function bytesInMemory(content: Buffer): ZipBytes {
  return {
    size: content.length,
    async *ranges(offset, length) {
      yield content.subarray(offset, offset + length);
    },
  };
}

/** A (small) range of the zip in one buffer: its directory, a local header. */
export async function bytesOf(source: ZipBytes, offset: number, length: number): Promise<Buffer> {
  const slices: Buffer[] = [];
  for await (const slice of source.ranges(offset, length)) slices.push(slice);
  return slices.length === 1 ? (slices[0] as Buffer) : Buffer.concat(slices);
}

/** The part's text, inflated a chunk at a time; never more than the size the zip announces for it. */
async function* partText(source: ZipBytes, part: ZipPart): AsyncGenerator<string> {
  const data = source.ranges(part.dataOffset, part.compressedSize);
  const decoder = new TextDecoder("utf-8");
  if (part.method === 0) {
    for await (const slice of data) {
      for (let offset = 0; offset < slice.length; offset += 256 * 1024) {
        yield decoder.decode(slice.subarray(offset, offset + 256 * 1024), { stream: true });
      }
    }
  } else {
    const inflate = createInflateRaw({ chunkSize: 256 * 1024 });
    // the compressed data flows in as it is read (and as fast as the text is used); an error reading it (a file
    // gone from the database) ends the inflated stream with that error
    pipeline(Readable.from(data, { objectMode: false }), inflate).catch(() => {});
    let inflated = 0;
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        if (inflated > part.size) throw new XlsxFormatError(`la partie ${part.name} dépasse la taille qu'elle annonce`);
        yield decoder.decode(chunk, { stream: true });
      }
    } finally {
      inflate.destroy();
    }
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

async function wholeText(source: ZipBytes, part: ZipPart): Promise<string> {
  let text = "";
  for await (const chunk of partText(source, part)) text += chunk;
  return text;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML entities, then Excel's own _xHHHH_ escapes (control characters, and "_x" itself as _x005F_). */
export function decodeXmlText(text: string): string {
  let decoded = text;
  if (decoded.includes("&")) {
    decoded = decoded.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (entity, name: string) => {
      if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name] ?? entity;
    });
  }
  if (decoded.includes("_x")) {
    decoded = decoded.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
  return decoded;
}

// element names may carry a namespace prefix (<x:row> from some generators)
const P = "(?:[A-Za-z_][\\w.-]*:)?";
const attributePattern = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function attributes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of tag.matchAll(attributePattern)) {
    found.set(match[1] as string, decodeXmlText(match[2] ?? match[3] ?? ""));
  }
  return found;
}

/** The text of a string item (<si>, <is>): its <t> runs, phonetic guides (<rPh>) left out. */
const phonetic = new RegExp(`<${P}rPh\\b[\\s\\S]*?</${P}rPh>`, "g");
const textRun = new RegExp(`<${P}t(?:\\s[^>]*)?>([\\s\\S]*?)</${P}t>|<${P}t(?:\\s[^>]*)?/>`, "g");
function itemText(xml: string): string {
  let text = "";
  for (const run of xml.replace(phonetic, "").matchAll(textRun)) text += run[1] ?? "";
  return decodeXmlText(text);
}

/**
 * Complete elements named `name` out of a stream of text: each element's XML (without what surrounds it) as soon
 * as its end has arrived. `stopAt` ends the scan (e.g. </sheetData>). An element still open beyond `maxChars` (and
 * a chunk) throws `tooLarge()`: the reader never holds more than that.
 */
async function* elements(
  texts: AsyncIterable<string>,
  name: string,
  stopAt: RegExp | null,
  maxChars: number,
  tooLarge: () => Error,
): AsyncGenerator<string> {
  const start = new RegExp(`<${P}${name}[\\s/>]`, "g");
  const end = new RegExp(`</${P}${name}\\s*>`, "g");
  let buffer = "";
  for await (const text of texts) {
    buffer += text;
    let position = 0;
    // where the scan ends, looked up once per chunk (per element, it would rescan the rest of the chunk each time)
    let stopIndex = Number.POSITIVE_INFINITY;
    if (stopAt) {
      stopAt.lastIndex = 0;
      stopIndex = stopAt.exec(buffer)?.index ?? Number.POSITIVE_INFINITY;
    }
    while (true) {
      start.lastIndex = position;
      const opening = start.exec(buffer);
      if (stopIndex < (opening?.index ?? Number.POSITIVE_INFINITY)) return;
      if (!opening) {
        // keep a tail in which the next opening tag may be starting
        position = Math.max(position, buffer.length - 64);
        break;
      }
      const tagEnd = buffer.indexOf(">", opening.index);
      if (tagEnd === -1) {
        position = opening.index;
        break;
      }
      if (buffer[tagEnd - 1] === "/") {
        yield buffer.slice(opening.index, tagEnd + 1);
        position = tagEnd + 1;
        continue;
      }
      end.lastIndex = tagEnd;
      const closing = end.exec(buffer);
      if (!closing) {
        position = opening.index;
        break;
      }
      yield buffer.slice(opening.index, closing.index + closing[0].length);
      position = closing.index + closing[0].length;
    }
    buffer = buffer.slice(position);
    if (buffer.length > maxChars) throw tooLarge();
  }
}

/** Column letters to a 1-based number: "A" → 1, "AA" → 27. */
function columnNumber(reference: string): number {
  let number = 0;
  for (const char of reference) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    number = number * 26 + (code - 64);
  }
  return number;
}

const cellPattern = new RegExp(`<${P}c\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${P}c>)`, "g");
const valuePattern = new RegExp(`<${P}v(?:\\s[^>]*)?>([\\s\\S]*?)</${P}v>`);
const inlinePattern = new RegExp(`<${P}is(?:\\s[^>]*)?>([\\s\\S]*?)</${P}is>`);

function cellValue(type: string | undefined, inner: string, shared: readonly string[], line: number): Cell {
  const value = rawCellValue(type, inner, shared);
  if (typeof value === "string" && value.length > PARSER_LIMITS.cellChars) {
    throw new XlsxLimitError(cellTooLongMessage(line));
  }
  return value;
}

function rawCellValue(type: string | undefined, inner: string, shared: readonly string[]): Cell {
  if (type === "inlineStr") {
    const inline = inner.match(inlinePattern);
    return inline ? itemText(inline[1] ?? "") : null;
  }
  const raw = inner.match(valuePattern)?.[1];
  if (raw === undefined) return null;
  switch (type) {
    case "s":
      return shared[Number.parseInt(raw, 10)] ?? null;
    case "b":
      return raw.trim() === "1";
    case "str":
    case "e":
    case "d":
      return decodeXmlText(raw);
    default: {
      const number = Number(raw);
      return Number.isFinite(number) ? number : decodeXmlText(raw);
    }
  }
}

// a cell's two attributes that matter, read directly (a map of every attribute per cell costs a third of the time)
const referenceAttribute = /(?:^|\s)r\s*=\s*["']([A-Z]+)/;
const typeAttribute = /(?:^|\s)t\s*=\s*["']([A-Za-z]+)/;

/** The cells of one <row> element (1-based columns become 0-based array positions; gaps are null). */
function rowCells(xml: string, shared: readonly string[], line: number): Cell[] {
  const cells: Cell[] = [];
  let column = 0;
  for (const match of xml.matchAll(cellPattern)) {
    const tag = match[1] ?? "";
    const reference = tag.match(referenceAttribute)?.[1];
    column = reference ? columnNumber(reference) : column + 1;
    if (column < 1 || column > 16_384) continue;
    const value = cellValue(tag.match(typeAttribute)?.[1], match[2] ?? "", shared, line);
    while (cells.length < column - 1) cells.push(null);
    cells[column - 1] = value;
  }
  if (filledCells(cells) > PARSER_LIMITS.filledCells) throw new XlsxLimitError(tooManyCellsMessage(line));
  return cells;
}

/** The worksheets in the workbook's order, and the shared strings' part, from workbook.xml and its relations. */
async function workbookParts(source: ZipBytes, parts: Map<string, ZipPart>) {
  const workbook = parts.get("xl/workbook.xml");
  const rels = parts.get("xl/_rels/workbook.xml.rels");
  const targets = new Map<string, { type: string; path: string }>();
  if (rels) {
    for (const match of (await wholeText(source, rels)).matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
      const found = attributes(match[0]);
      const target = found.get("Target") ?? "";
      const path = target.startsWith("/") ? target.slice(1) : `xl/${target}`;
      targets.set(found.get("Id") ?? "", { type: found.get("Type") ?? "", path: path.replace(/\/\.\//g, "/") });
    }
  }
  const sheets: string[] = [];
  if (workbook) {
    for (const match of (await wholeText(source, workbook)).matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
      const found = attributes(match[0]);
      const id = found.get("r:id") ?? [...found].find(([key]) => key.endsWith(":id"))?.[1];
      const target = id ? targets.get(id) : undefined;
      if (target && parts.has(target.path)) sheets.push(target.path);
    }
  }
  if (sheets.length === 0) {
    const byNumber = [...parts.keys()]
      .map((name) => ({ name, number: Number(name.match(/^xl\/worksheets\/sheet(\d+)\.xml$/)?.[1]) }))
      .filter((sheet) => Number.isFinite(sheet.number))
      .sort((a, b) => a.number - b.number);
    sheets.push(...byNumber.map((sheet) => sheet.name));
  }
  const sharedTarget = [...targets.values()].find((target) => target.type.endsWith("/sharedStrings"))?.path;
  const sharedStrings = parts.get(sharedTarget ?? "xl/sharedStrings.xml") ?? parts.get("xl/sharedStrings.xml");
  return { sheets, sharedStrings };
}

/** Every row of every worksheet, in the workbook's order. */
export async function* readXlsxRecords(source: ZipBytes, entries: readonly ZipPart[]): AsyncGenerator<FileRecord> {
  const parts = new Map(entries.map((entry) => [entry.name, entry]));
  const { sheets, sharedStrings } = await workbookParts(source, parts);
  const shared = sharedStrings ? await readSharedStrings(source, sharedStrings) : [];
  const sheetDataEnd = new RegExp(`</${P}sheetData\\s*>`, "g");
  for (const [sheet, name] of sheets.entries()) {
    const part = parts.get(name) as ZipPart;
    let line = 0;
    const rows = elements(partText(source, part), "row", sheetDataEnd, PARSER_LIMITS.rowXmlChars, () => {
      return new XlsxLimitError(rowXmlTooLargeMessage(line + 1));
    });
    for await (const row of rows) {
      const openTag = row.slice(0, row.indexOf(">") + 1);
      const number = Number.parseInt(openTag.match(/\sr\s*=\s*["'](\d+)/)?.[1] ?? "", 10);
      line = Number.isInteger(number) && number > line ? number : line + 1;
      if (openTag.endsWith("/>")) continue; // an empty (formatted) row
      yield { sheet, line, cells: rowCells(row.slice(openTag.length), shared, line) };
    }
  }
}

/**
 * The shared strings table, within its bounds: each string no longer than a cell of Excel, the whole no larger than
 * `sharedStringsBytes` at V8's cost. Each string is copied out of the chunk of XML it was cut from, so that the
 * table holds its text only, not the markup around it.
 */
async function readSharedStrings(source: ZipBytes, part: ZipPart): Promise<string[]> {
  const shared: string[] = [];
  let bytes = 0;
  const items = elements(partText(source, part), "si", null, PARSER_LIMITS.sharedStringXmlChars, () => {
    return new XlsxLimitError(sharedStringXmlTooLargeMessage(shared.length));
  });
  for await (const item of items) {
    const text = itemText(item);
    if (text.length > PARSER_LIMITS.cellChars) throw new XlsxLimitError(sharedStringTooLongMessage(shared.length));
    bytes += 48 + 2 * text.length;
    if (bytes > PARSER_LIMITS.sharedStringsBytes) throw new XlsxLimitError(sharedStringsTooLargeMessage());
    // a slice of a new string: V8 flattens it, and the slice keeps that copy alone
    shared.push(text.length < 13 ? text : ` ${text}`.slice(1));
  }
  return shared;
}
