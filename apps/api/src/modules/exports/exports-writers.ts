// Streamed downloads: an XLSX (exceljs's streaming writer, rows committed as they are written) or a CSV, written
// batch by batch into the HTTP response. Nothing holds the whole file: each batch waits for the client to take the
// previous one (backpressure), and a client that goes away stops the reading at the next batch.
import { once } from "node:events";
import type { Writable } from "node:stream";
import { neutraliseCell } from "@medimail/contracts/loaduser";
import { foldForSearch } from "@medimail/domain/text";
import type ExcelJS from "exceljs";
import { drained } from "../../lib/download.ts";
import { loadExcelJs } from "../../lib/exceljs.ts";

/** Rows read from the database per query, and written per step. */
export const EXPORT_BATCH = 5000;

/** Rejects when the signal aborts (to race a step that cannot be interrupted otherwise). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * Keyset reading: `fetch(after)` answers the rows after the last row of the previous batch (none: the first). The
 * next batch is asked for while the current one is being written, so the database and the writing overlap; at
 * most two batches are in memory.
 */
export async function* batches<Row>(
  fetch: (after: Row | undefined) => Promise<Row[]>,
  signal: AbortSignal,
  size = EXPORT_BATCH,
): AsyncGenerator<Row[]> {
  signal.throwIfAborted();
  let next: Promise<Row[]> | null = fetch(undefined);
  while (next) {
    const rows: Row[] = await next;
    signal.throwIfAborted();
    next = rows.length < size ? null : fetch(rows.at(-1));
    // a batch asked for and then not waited for (the client left) must not be an unhandled rejection
    next?.catch(() => undefined);
    if (rows.length > 0) yield rows;
  }
}

// --- names and dates --------------------------------------------------------------------------------------------

const parisParts = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/**
 * The instant as Paris's wall clock, for a spreadsheet cell: spreadsheets have no time zones, so "10:28 in Paris"
 * must be written as 10:28.
 */
export function parisWallClock(instant: Date): Date {
  const part = Object.fromEntries(parisParts.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  return new Date(
    Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day ?? 1, part.hour ?? 0, part.minute ?? 0, part.second ?? 0),
  );
}

/** "2026-11-26", Paris's calendar day, for file names. */
export const parisDay = (instant: Date) => parisWallClock(instant).toISOString().slice(0, 10);

/** "utilisateurs-chu-de-toulouse-2026-11-26.xlsx" */
export function exportFilename(prefix: string, structureName: string, now: Date, extension: "xlsx" | "csv"): string {
  const slug =
    foldForSearch(structureName)
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "structure";
  return `${prefix}-${slug}-${parisDay(now)}.${extension}`;
}

// --- XLSX ---------------------------------------------------------------------------------------------------------

export interface SheetColumn {
  header: string;
  width: number;
  /** dates get a French date format */
  date?: "date" | "date-time";
}

export type CellValue = string | Date | null;

/**
 * exceljs hands a sheet's XML to the zip without waiting for it (its stream buffer ignores what write() answers),
 * so when deflating is slower than writing rows, the XML would pile up in the zip's input. That input is a
 * Node stream (exceljs's internals, read defensively): wait until it has taken what it was given.
 */
async function zipTookIt(sheet: ExcelJS.Worksheet, signal: AbortSignal): Promise<void> {
  const inputs = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes ?? [];
  for (const input of inputs as (Writable & { _writableState?: { needDrain?: boolean } })[]) {
    if (input._writableState?.needDrain) await once(input, "drain", { signal });
  }
}

/**
 * A streamed workbook on `output`; sheets are written one after the other (the zip takes them in order).
 * `styles`: a bold header and date formats. They cost exceljs a style lookup per cell (about 40 % of the time of
 * a large export), so the users export, which has no dates, goes without.
 */
export async function streamedWorkbook(output: Writable, { styles }: { styles: boolean }) {
  const Excel = await loadExcelJs();
  const workbook = new Excel.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: styles,
    useSharedStrings: false,
    // level 1: about as small as the default level for this repetitive XML, and much faster
    zip: { zlib: { level: 1 } },
  });
  workbook.creator = "Medimail";
  workbook.created = new Date();
  return {
    /** Writes one sheet wholly (its rows from `rows`), then commits it. */
    async sheet(
      name: string,
      columns: readonly SheetColumn[],
      rows: AsyncIterable<CellValue[][]>,
      signal: AbortSignal,
    ): Promise<number> {
      const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
      sheet.columns = columns.map((column) => ({
        header: column.header,
        width: column.width,
        ...(column.date ? { style: { numFmt: column.date === "date" ? "dd/mm/yyyy" : "dd/mm/yyyy hh:mm:ss" } } : {}),
      }));
      const header = sheet.getRow(1);
      header.font = { bold: true };
      header.commit();
      let count = 0;
      for await (const batch of rows) {
        for (const values of batch) {
          sheet.addRow(values.map((value) => (typeof value === "string" ? neutraliseCell(value) : value))).commit();
        }
        count += batch.length;
        await zipTookIt(sheet, signal);
        await drained(output, signal);
      }
      signal.throwIfAborted();
      sheet.commit();
      return count;
    },
    /** Ends the file (and the output stream); gives up if the client goes away while the end is written. */
    async end(signal: AbortSignal): Promise<void> {
      signal.throwIfAborted();
      await Promise.race([workbook.commit(), aborted(signal)]);
    },
  };
}

// --- CSV ----------------------------------------------------------------------------------------------------------

/** Excel (French settings) reads a UTF-8 file with a BOM and ";" between fields. */
const BOM = "\uFEFF";
const NEEDS_QUOTES = /[";\r\n]/;

export function csvField(value: string): string {
  const text = neutraliseCell(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (values: readonly string[]) => `${values.map(csvField).join(";")}\r\n`;

/** A CSV written batch by batch: BOM, header line, one line per row; CRLF line ends. */
export async function writeCsv(
  output: Writable,
  headers: readonly string[],
  rows: AsyncIterable<string[][]>,
  signal: AbortSignal,
): Promise<void> {
  output.write(BOM + csvLine(headers));
  for await (const batch of rows) {
    output.write(batch.map(csvLine).join(""));
    await drained(output, signal);
  }
  signal.throwIfAborted();
  output.end();
}
