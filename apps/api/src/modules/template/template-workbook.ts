// "Télécharger la dernière version du modèle loaduser": the users sheet the import reads (headers of
// LOADUSER_COLUMNS, drop-down lists, one example row), its "Consignes" and a hidden sheet holding the long lists.
// A small file built in memory (unlike the exports, it holds no data).
import { accountTypeLabels } from "@medimail/contracts/enums";
import { LOADUSER_COLUMNS, type LoaduserColumn } from "@medimail/contracts/loaduser";
import type ExcelJS from "exceljs";
import { loadExcelJs } from "../../lib/exceljs.ts";
import { ALL_TYPES, LOADUSER_WIDTHS } from "./template-columns.ts";

export const TEMPLATE_FILENAME = "modele-loaduser-medimail.xlsx";
export const USERS_SHEET = "Utilisateurs";
export const INSTRUCTIONS_SHEET = "Consignes";
export const LISTS_SHEET = "Listes";
/** rows of the users sheet that get the drop-down lists (the header is row 1) */
export const VALIDATED_ROWS = 5000;
/** Excel refuses an inline list longer than 255 characters: longer ones are ranges of the hidden sheet */
const INLINE_LIST_MAX = 255;

/** exceljs has the worksheet's data validations, but not in its type declarations */
type WithValidations = { dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void } };

const HOW_TO = [
  "Une ligne par compte, sur l'onglet « Utilisateurs » : gardez la ligne d'en-têtes telle quelle (l'import reconnaît les colonnes par leur titre, dans n'importe quel ordre).",
  "La ligne 2 est un exemple : remplacez-la par vos comptes ou supprimez-la avant l'import.",
  "Les comptes sont reconnus par leur adresse mail : une adresse qui a déjà un compte met ce compte à jour, une nouvelle adresse crée un compte (MED, PER, INT préinscrits avec un mail pour finaliser l'inscription ; ORG, APP validés).",
  "Un export de la liste d'utilisateurs (XLSX ou CSV) a les mêmes colonnes : modifiez-le puis réimportez-le pour modifier des comptes en masse.",
  "Chaque ligne est vérifiée comme le formulaire de création. Lancez d'abord l'import en simulation : il liste chaque ligne refusée avec son numéro et la raison, sans rien enregistrer ; corrigez, puis importez.",
  "Les colonnes à liste (type, profession, région, oui/non) proposent leurs valeurs ; pour la profession et la région, le code seul (ex. 10, 76) est aussi accepté.",
  "Les colonnes obligatoires dépendent du type de BAL : voir le tableau ci-dessous. Laissez vides les colonnes qui ne concernent pas le type.",
  "Formats acceptés à l'import : XLSX ou CSV (séparateur point-virgule, UTF-8 ou Windows-1252). Un fichier .xls (Excel 97-2003) n'est pas lu : enregistrez-le d'abord au format .xlsx ou .csv.",
];

function requiredText(column: LoaduserColumn): string {
  if (column.requiredFor.length === 0) return "Facultatif";
  if (column.requiredFor.length === ALL_TYPES.length) return "Tous les types";
  return column.requiredFor.join(", ");
}

function allowedText(column: LoaduserColumn): string {
  if (column.key === "type") return ALL_TYPES.map((type) => accountTypeLabels[type]).join(" ; ");
  if (!column.allowed) return "Texte libre";
  if (column.allowed.length > 5)
    return `Liste déroulante (${column.allowed.length} valeurs) : ${column.allowed.join(" ; ")}`;
  return column.allowed.join(", ");
}

const columnLetter = (index: number) => {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
};

/** The template as an XLSX file. */
export async function buildLoaduserTemplate(): Promise<Buffer> {
  const Excel = await loadExcelJs();
  const workbook = new Excel.Workbook();
  workbook.creator = "Medimail";
  workbook.created = new Date();

  // --- the users sheet, first: the one the import reads and the file opens on
  const users = workbook.addWorksheet(USERS_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  users.columns = LOADUSER_COLUMNS.map((column) => ({
    header: column.header,
    key: column.key,
    width: LOADUSER_WIDTHS[column.key] ?? 20,
  }));
  const header = users.getRow(1);
  header.font = { bold: true, color: { argb: "FFFFFFFF" } };
  header.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FF000091" } };
  header.alignment = { vertical: "middle", wrapText: true };
  header.height = 32;
  LOADUSER_COLUMNS.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    const required = requiredText(column);
    cell.note = `${column.meaning || column.header}\nObligatoire : ${required}`;
  });
  users.addRow(Object.fromEntries(LOADUSER_COLUMNS.map((column) => [column.key, column.example])));
  users.getRow(2).font = { italic: true, color: { argb: "FF666666" } };

  // --- the long lists, on a hidden sheet (one column per list)
  const lists = workbook.addWorksheet(LISTS_SHEET, { state: "hidden" });
  let listColumn = 0;
  LOADUSER_COLUMNS.forEach((column, index) => {
    if (!column.allowed) return;
    const letter = columnLetter(index);
    const inline = `"${column.allowed.join(",")}"`;
    let formula: string;
    if (inline.length <= INLINE_LIST_MAX && column.allowed.every((value) => !value.includes(","))) {
      formula = inline;
    } else {
      const target = columnLetter(listColumn++);
      lists.getCell(`${target}1`).value = column.header;
      column.allowed.forEach((value, row) => {
        lists.getCell(`${target}${row + 2}`).value = value;
      });
      formula = `${LISTS_SHEET}!$${target}$2:$${target}$${column.allowed.length + 1}`;
    }
    (users as unknown as WithValidations).dataValidations.add(`${letter}2:${letter}${VALIDATED_ROWS}`, {
      type: "list",
      allowBlank: true,
      formulae: [formula],
      showErrorMessage: true,
      errorStyle: "stop",
      errorTitle: column.header,
      error: "Choisissez une valeur de la liste.",
    });
  });

  // --- the instructions
  const instructions = workbook.addWorksheet(INSTRUCTIONS_SHEET);
  instructions.columns = [
    { key: "header", width: 28 },
    { key: "meaning", width: 60 },
    { key: "required", width: 22 },
    { key: "allowed", width: 60 },
    { key: "example", width: 36 },
  ];
  const title = instructions.addRow(["Modèle loaduser — import d'une liste d'utilisateurs Medimail"]);
  title.font = { bold: true, size: 14 };
  instructions.addRow([]);
  instructions.addRow(["Mode d'emploi"]).font = { bold: true };
  for (const line of HOW_TO) {
    const row = instructions.addRow(["", line]);
    instructions.mergeCells(`B${row.number}:E${row.number}`);
    row.alignment = { wrapText: true, vertical: "top" };
    row.height = 30;
  }
  instructions.addRow([]);
  const tableHeader = instructions.addRow([
    "Colonne",
    "Signification",
    "Obligatoire pour",
    "Valeurs autorisées",
    "Exemple",
  ]);
  tableHeader.font = { bold: true };
  tableHeader.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE3E3FD" } };
  for (const column of LOADUSER_COLUMNS) {
    const row = instructions.addRow([
      column.header,
      column.meaning || column.header,
      requiredText(column),
      allowedText(column),
      column.example,
    ]);
    row.alignment = { wrapText: true, vertical: "top" };
  }

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
