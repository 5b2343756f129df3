import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import type { ActivityExportFormat } from "@medimail/contracts/activity";
import type ExcelJS from "exceljs";
import { loadExcelJs } from "../../lib/exceljs.ts";

export type Cell = string | number;

/** Columns of an activity export, in the order of the file. */
export const ACTIVITY_EXPORT_COLUMNS: { header: string; width: number }[] = [
  { header: "Date", width: 20 },
  { header: "Emetteur", width: 36 },
  { header: "Destinataires", width: 48 },
  { header: "Sens", width: 10 },
  { header: "Boîte de la structure", width: 36 },
  { header: "Structure", width: 30 },
  { header: "Taille (octets)", width: 14 },
  { header: "MSSanté", width: 10 },
];

/** Rows of a file written as they come, never held: the caller awaits each write (back-pressure). */
export interface RowSink {
  write(cells: Cell[]): Promise<void>;
  /** flushes and syncs the file to disk */
  close(): Promise<void>;
}

export const EXPORT_EXTENSIONS: Record<ActivityExportFormat, string> = { CSV: "csv", XLSX: "xlsx" };
export const EXPORT_CONTENT_TYPES: Record<ActivityExportFormat, string> = {
  CSV: "text/csv; charset=utf-8",
  XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export function openSink(format: ActivityExportFormat, file: string): Promise<RowSink> {
  return format === "CSV" ? csvSink(file) : xlsxSink(file);
}

const csvField = (cell: Cell): string => {
  const text = String(cell);
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** CSV as French spreadsheets open it: UTF-8 with a byte order mark, `;` between fields, CRLF lines. */
async function csvSink(file: string): Promise<RowSink> {
  // flush: the file is fsync'ed before it is closed, so a rename after close() never exposes a partial file
  const stream = createWriteStream(file, { encoding: "utf8", flush: true });
  await once(stream, "open");
  const put = async (text: string) => {
    if (!stream.write(text)) await once(stream, "drain");
  };
  await put(`\uFEFF${ACTIVITY_EXPORT_COLUMNS.map((column) => csvField(column.header)).join(";")}\r\n`);
  return {
    write: (cells) => put(`${cells.map(csvField).join(";")}\r\n`),
    async close() {
      stream.end();
      await once(stream, "close");
    },
  };
}

/** A sheet holds 1,048,576 rows: a new one starts before that. */
const ROWS_PER_SHEET = 1_000_000;

/**
 * XLSX through exceljs's streaming writer: each row is committed (serialised into the zip stream) as it is
 * added, without shared strings (their table would grow with the file), so memory stays flat.
 */
async function xlsxSink(file: string): Promise<RowSink> {
  const Excel = await loadExcelJs();
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  let sheet: ExcelJS.Worksheet | null = null;
  let sheets = 0;
  let rowsInSheet = 0;
  const newSheet = () => {
    sheet?.commit();
    sheets += 1;
    sheet = workbook.addWorksheet(sheets === 1 ? "Messages" : `Messages (${sheets})`, {
      views: [{ state: "frozen", ySplit: 1 }],
    });
    sheet.columns = ACTIVITY_EXPORT_COLUMNS.map((column) => ({ header: column.header, width: column.width }));
    sheet.getRow(1).font = { bold: true };
    rowsInSheet = 0;
    return sheet;
  };
  newSheet();
  return {
    async write(cells) {
      const target = sheet && rowsInSheet < ROWS_PER_SHEET ? sheet : newSheet();
      target.addRow(cells).commit();
      rowsInSheet += 1;
    },
    async close() {
      sheet?.commit();
      await workbook.commit();
      // exceljs closes its file stream itself; sync what it wrote
      const handle = await open(file, "r+");
      await handle.sync();
      await handle.close();
    },
  };
}
