import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/test-app.ts";
import { seedWorld, type World } from "../accounts/accounts.test-support.ts";
import {
  cellsOf,
  csvOf,
  deflated,
  HEADERS,
  importsApi,
  runImportsJob,
  validRow,
  zipOf,
} from "./imports.test-support.ts";
import { readCsvInSlices, readRecords } from "./imports-files.ts";
import { PARSER_LIMITS } from "./imports-limits.ts";
import type { FileRecord } from "./imports-records.ts";

// The readers' bounds at their edges: a line, a row's filled cells, a cell, the shared strings table exactly at the
// bound are read; one character more is refused, naming the line — whatever the slices the file is read in.

const fr = (value: number) => new Intl.NumberFormat("fr-FR").format(value);
const LINE = PARSER_LIMITS.lineChars;
const SLICES = [1, 3, 4096, LINE + 1, 1024 * 1024];

async function csvRecords(text: string, sliceBytes: number): Promise<FileRecord[]> {
  const all: FileRecord[] = [];
  for await (const record of readCsvInSlices(Buffer.from(text), "utf-8", sliceBytes)) all.push(record);
  // (the empty row after the last line break, that the rows skip as blank)
  return all.filter((record) => record.cells.join("") !== "");
}

const lineTooLong = (line: number) =>
  `Ligne ${line} : plus de ${fr(LINE)} caractères sans retour à la ligne (ou un guillemet jamais refermé) ; le ` +
  "fichier n'est pas un export de tableur valide.";

describe("the CSV reader's bounds", () => {
  it.each(SLICES)(
    "reads a line of exactly the limit and refuses one character more (slices of %i bytes)",
    async (slice) => {
      for (const newline of ["\r\n", "\n"]) {
        // a quoted cell with a line break and doubled quotes counts as it is written
        const quoted = `"a${newline}""b"""`;
        const line = `x;${quoted};${"é".repeat(LINE - 3 - quoted.length)}`;
        expect(line.length).toBe(LINE);
        const records = await csvRecords(`Nom;Prénom;Ville${newline}${line}${newline}a;b;c${newline}`, slice);
        expect(records.map((record) => record.cells.length)).toEqual([3, 3, 3]);
        expect(records[1]?.cells[1]).toBe(`a${newline}"b"`);
        await expect(csvRecords(`Nom;Prénom${newline}${line}é${newline}a;b${newline}`, slice)).rejects.toThrow(
          lineTooLong(2),
        );
        // the last line, without a break
        await expect(csvRecords(`Nom;Prénom${newline}${line}`, slice)).resolves.toHaveLength(2);
        await expect(csvRecords(`Nom;Prénom${newline}${line}é`, slice)).rejects.toThrow(lineTooLong(2));
      }
    },
  );

  it.each(SLICES)("bounds the first line, and a file without a line break (slices of %i bytes)", async (slice) => {
    const header = `Nom;${"x".repeat(LINE - 4)}`;
    await expect(csvRecords(`${header}\r\na;b\r\n`, slice)).resolves.toHaveLength(2);
    await expect(csvRecords(header, slice)).resolves.toHaveLength(1);
    await expect(csvRecords(`${header}x\r\na;b\r\n`, slice)).rejects.toThrow(lineTooLong(1));
    await expect(csvRecords(`${header}x`, slice)).rejects.toThrow(lineTooLong(1));
  });

  it.each(SLICES)(
    "refuses a quoted cell never closed once it is past the bound (slices of %i bytes)",
    async (slice) => {
      const text = `Nom;Prénom\r\na;b\r\nc;"${"d\r\n".repeat(LINE)}`;
      await expect(csvRecords(text, slice)).rejects.toThrow(lineTooLong(3));
    },
  );

  it("reads a row of 200 filled cells and any number of empty ones, and refuses 201 filled cells", async () => {
    const filled = (count: number) => Array.from({ length: count }, (_, index) => `c${index}`).join(";");
    const records = await csvRecords(`${filled(200)}\r\n${filled(21)}${";".repeat(20_000)}\r\n`, 4096);
    expect(records.map((record) => record.cells.length)).toEqual([200, 20_021]);
    await expect(csvRecords(`${filled(21)}\r\n${filled(201)}\r\n`, 4096)).rejects.toThrow(
      "Ligne 2 : plus de 200 cellules remplies, alors qu'une liste d'utilisateurs (loaduser) compte 21 colonnes ; " +
        "retirez les colonnes en trop.",
    );
  });
});

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';

function workbook(rowsXml: string, sharedStrings?: string) {
  return zipOf([
    deflated("[Content_Types].xml", "<Types/>"),
    deflated("xl/workbook.xml", `<workbook ${NS}/>`),
    deflated("xl/worksheets/sheet1.xml", `<worksheet ${NS}><sheetData>${rowsXml}</sheetData></worksheet>`),
    ...(sharedStrings === undefined ? [] : [deflated("xl/sharedStrings.xml", `<sst ${NS}>${sharedStrings}</sst>`)]),
  ]);
}

async function xlsxRecords(content: Buffer): Promise<FileRecord[]> {
  const all: FileRecord[] = [];
  for await (const record of readRecords(content, { format: "XLSX" })) all.push(record);
  return all;
}

const inline = (column: string, line: number, text: string) =>
  `<c r="${column}${line}" t="inlineStr"><is><t>${text}</t></is></c>`;

describe("the XLSX reader's bounds", () => {
  const CELL = PARSER_LIMITS.cellChars;

  it("reads a cell of Excel's 32,767 characters, inline or shared, and refuses one more, naming the line", async () => {
    const shared = `<si><t>${"s".repeat(CELL)}</t></si>`;
    const rows = `<row r="1">${inline("A", 1, "Nom")}</row><row r="2">${inline("A", 2, "é".repeat(CELL))}<c r="B2" t="s"><v>0</v></c></row>`;
    const records = await xlsxRecords(workbook(rows, shared));
    expect(records.map((record) => record.cells.map((cell) => String(cell).length))).toEqual([[3], [CELL, CELL]]);

    const longer = `<row r="1">${inline("A", 1, "Nom")}</row><row r="7">${inline("A", 7, "é".repeat(CELL + 1))}</row>`;
    await expect(xlsxRecords(workbook(longer))).rejects.toThrow(
      `Ligne 7 : une cellule compte plus de ${fr(CELL)} caractères, au-delà de ce qu'une cellule d'Excel peut ` +
        "contenir ; le fichier n'est pas un export de tableur valide.",
    );
    await expect(
      xlsxRecords(
        workbook(
          `<row r="1"><c r="A1" t="s"><v>1</v></c></row>`,
          `<si><t>a</t></si><si><t>${"s".repeat(CELL + 1)}</t></si>`,
        ),
      ),
    ).rejects.toThrow(
      `Le texte n° 2 de la table des textes partagés du classeur compte plus de ${fr(CELL)} caractères, au-delà de ` +
        "ce qu'une cellule d'Excel peut contenir ; le fichier n'est pas un export de tableur valide.",
    );
  });

  it("reads a row of 200 filled cells and 16,000 formatted empty ones, and refuses 201 filled cells", async () => {
    const cells = (line: number, count: number) =>
      Array.from({ length: count }, (_, index) => `<c r="${columnName(index + 1)}${line}"><v>${index}</v></c>`).join(
        "",
      );
    const empty = Array.from({ length: 16_000 }, (_, index) => `<c r="${columnName(index + 201)}2" s="1"/>`).join("");
    const records = await xlsxRecords(
      workbook(`<row r="1">${cells(1, 21)}</row><row r="2">${cells(2, 200)}${empty}</row>`),
    );
    expect(records.map((record) => record.cells.length)).toEqual([21, 16_200]);
    await expect(
      xlsxRecords(workbook(`<row r="1">${cells(1, 21)}</row><row r="3">${cells(3, 201)}</row>`)),
    ).rejects.toThrow("Ligne 3 : plus de 200 cellules remplies");
  });

  it("reads a shared strings table exactly at its bound, and refuses one string more", async () => {
    // strings of 1,000 characters cost 48 + 2,000 bytes each: 24,576 of them, exactly the bound
    const item = `<si><t>${"a".repeat(1000)}</t></si>`;
    const count = PARSER_LIMITS.sharedStringsBytes / 2048;
    expect(Number.isInteger(count)).toBe(true);
    const row = `<row r="1"><c r="A1" t="s"><v>${count - 1}</v></c></row>`;
    const records = await xlsxRecords(workbook(row, item.repeat(count)));
    expect(records[0]?.cells).toEqual(["a".repeat(1000)]);
    await expect(xlsxRecords(workbook(row, item.repeat(count + 1)))).rejects.toThrow(
      "La table des textes partagés du classeur dépasse ce qu'un import peut lire (48 Mo) : découpez le fichier en " +
        "plusieurs fichiers.",
    );
  });
});

/** 1 → A, 27 → AA. */
function columnName(number: number): string {
  let name = "";
  for (let rest = number; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    name = String.fromCharCode(65 + ((rest - 1) % 26)) + name;
  }
  return name;
}

describe("through the API: the dry run's warning, and the apply, which reads the stored file again", () => {
  const t = useTestApp();
  const api = importsApi(t);
  let w: World;
  beforeAll(async () => {
    w = await seedWorld(t.db);
  });

  it("names the first 20 unknown columns of a header in its warning, each cut at 80 characters", async () => {
    const unknown = Array.from({ length: 150 }, (_, index) => `Colonne ${index + 1} ${"x".repeat(300)}`);
    const content = `${[...HEADERS, ...unknown].join(";")}\r\n${cellsOf(validRow("MED")).join(";")}\r\n`;
    const summary = await api.dryRun(w.admin, w.chu, content, "colonnes.csv");
    const shown = unknown.slice(0, 20).map((header) => `« ${header.slice(0, 80)}… »`);
    expect(summary.warnings).toEqual([`Colonnes inconnues ignorées : ${shown.join(", ")} et 130 autres.`]);
  });

  it("fails the import with the refusal when its stored file holds a line beyond the bound", async () => {
    // a file stored before the bound existed: its third line is 2 MB long
    const dryRun = await api.dryRun(w.admin, w.chu, csvOf([validRow("MED"), validRow("MED")]), "ancien.csv");
    const stored = `${csvOf([validRow("MED")])}${"x".repeat(2 * 1024 * 1024)}\r\n`;
    await t.db.importJob.update({ where: { id: dryRun.id }, data: { content: Buffer.from(stored) } });
    const applied = await api.apply(w.admin, w.chu, dryRun.id);
    expect(applied.statusCode, applied.body).toBe(202);
    await runImportsJob(t.db);
    const final = await api.get(w.admin, w.chu, dryRun.id);
    expect(final.status).toBe("FAILED");
    expect(final.error).toBe(lineTooLong(3));
  });
});
