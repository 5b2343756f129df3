// What the readers of an imported file hold at most, whatever the file: a crafted file of 20 MB (or a workbook that
// inflates to 500 MB) could otherwise build strings and arrays beyond the server's heap (128 MB in production) and
// stop it. Each bound is far above what a spreadsheet writes; a file beyond one is refused, naming the line.
import { LINE_LIMIT, lineTooLongText } from "../../lib/bounded-lines.ts";

export const PARSER_LIMITS = {
  /** characters of a CSV line (a quoted cell's line breaks included), its break excluded */
  lineChars: LINE_LIMIT,
  /** filled cells of a row (the loaduser has 21 columns; empty cells are free and not counted) */
  filledCells: 200,
  /** characters of a cell: Excel's own limit */
  cellChars: 32_767,
  /** an XLSX row's XML (16,384 formatted empty cells take 400 KB) */
  rowXmlChars: 4 * 1024 * 1024,
  /** one shared string's XML (32,767 characters escaped, and formatted runs) */
  sharedStringXmlChars: 1024 * 1024,
  /**
   * the memory the shared strings may take, counted as 48 bytes per string and 2 per character (V8's cost at
   * worst): a 200,000-row file of distinct addresses and names takes a third of it
   */
  sharedStringsBytes: 48 * 1024 * 1024,
} as const;

const numberFr = new Intl.NumberFormat("fr-FR");
const mebibytes = (bytes: number) => Math.round(bytes / 1024 / 1024);
const NOT_A_SPREADSHEET = "le fichier n'est pas un export de tableur valide.";

export const lineTooLongMessage = (line: number) =>
  `${lineTooLongText(line, PARSER_LIMITS.lineChars)} (ou un guillemet jamais refermé) ; ${NOT_A_SPREADSHEET}`;

export const tooManyCellsMessage = (line: number) =>
  `Ligne ${numberFr.format(line)} : plus de ${PARSER_LIMITS.filledCells} cellules remplies, alors qu'une liste ` +
  "d'utilisateurs (loaduser) compte 21 colonnes ; retirez les colonnes en trop.";

export const cellTooLongMessage = (line: number) =>
  `Ligne ${numberFr.format(line)} : une cellule compte plus de ${numberFr.format(PARSER_LIMITS.cellChars)} ` +
  `caractères, au-delà de ce qu'une cellule d'Excel peut contenir ; ${NOT_A_SPREADSHEET}`;

export const sharedStringTooLongMessage = (index: number) =>
  `Le texte n° ${numberFr.format(index + 1)} de la table des textes partagés du classeur compte plus de ` +
  `${numberFr.format(PARSER_LIMITS.cellChars)} caractères, au-delà de ce qu'une cellule d'Excel peut contenir ; ` +
  NOT_A_SPREADSHEET;

export const sharedStringXmlTooLargeMessage = (index: number) =>
  `Le texte n° ${numberFr.format(index + 1)} de la table des textes partagés du classeur est démesuré (plus de ` +
  `${mebibytes(PARSER_LIMITS.sharedStringXmlChars)} Mo de XML) ; ${NOT_A_SPREADSHEET}`;

export const rowXmlTooLargeMessage = (line: number) =>
  `Ligne ${numberFr.format(line)} : la ligne du classeur est démesurée (plus de ` +
  `${mebibytes(PARSER_LIMITS.rowXmlChars)} Mo de XML) ; ${NOT_A_SPREADSHEET}`;

export const sharedStringsTooLargeMessage = () =>
  `La table des textes partagés du classeur dépasse ce qu'un import peut lire ` +
  `(${mebibytes(PARSER_LIMITS.sharedStringsBytes)} Mo) : découpez le fichier en plusieurs fichiers.`;

/** Filled cells of a row: empty cells (a CSV's trailing separators, formatted cells of a sheet) cost nothing. */
export function filledCells(cells: readonly unknown[]): number {
  let filled = 0;
  for (const cell of cells) if (cell !== null && cell !== "") filled++;
  return filled;
}
