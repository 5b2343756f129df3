// exceljs is large — about 9 MB of V8 heap and 30 MB of process memory once loaded — and only the spreadsheet
// downloads use it (the imports read XLSX with their own reader): it is loaded at the first of them, not at start,
// so that a process that never writes a workbook never holds it.
import type ExcelJS from "exceljs";

let loading: Promise<typeof ExcelJS> | null = null;

export function loadExcelJs(): Promise<typeof ExcelJS> {
  loading ??= import("exceljs").then((module) => module.default);
  return loading;
}
