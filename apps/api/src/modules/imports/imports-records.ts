// What the readers of an imported file yield, whatever its format (the CSV reader in imports-files.ts, the XLSX
// reader in imports-xlsx.ts): its records, one per row of a sheet, cells as read.

/** A cell as read: text, or for XLSX a number or a boolean (the column decides how to write it as text). */
export type Cell = string | number | boolean | null;

export interface FileRecord {
  /** the worksheet's position in the workbook (0 for a CSV) */
  sheet: number;
  /** the row as a spreadsheet numbers it */
  line: number;
  cells: Cell[];
  /** set by the CSV parser when the row's quotes are not closed */
  quoteError?: boolean;
}
