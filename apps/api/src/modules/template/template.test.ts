import { LOADUSER_COLUMNS, professionChoices, regionChoices } from "@medimail/contracts/loaduser";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/test-app.ts";
import { requester, seedWorld, type World } from "../accounts/accounts.test-support.ts";

// "Télécharger la dernière version du modèle loaduser": the file is opened with exceljs and read as a user (and the
// import) would read it.

const t = useTestApp();
const send = requester(t);
let w: World;
let workbook: ExcelJS.Workbook;

beforeAll(async () => {
  w = await seedWorld(t.db);
  const response = await send(w.admin, "GET", `/api/structures/${w.chu}/loaduser-template.xlsx`);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  expect(response.headers["content-disposition"]).toContain('attachment; filename="modele-loaduser-medimail.xlsx"');
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
});

type Validation = { type: string; formulae: string[]; allowBlank?: boolean; showErrorMessage?: boolean };
const validationsOf = (sheet: ExcelJS.Worksheet) =>
  (sheet as unknown as { dataValidations: { model: Record<string, Validation | undefined> } }).dataValidations.model;
const letter = (key: string) => String.fromCharCode(65 + LOADUSER_COLUMNS.findIndex((column) => column.key === key));

/** The values a list validation offers: inline ("a,b"), or read from the range of the hidden sheet. */
function choicesOf(validation: Validation | undefined): string[] {
  const formula = validation?.formulae[0] ?? "";
  if (formula.startsWith('"')) return formula.slice(1, -1).split(",");
  const match = formula.match(/^(\w+)!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/);
  expect(match, formula).not.toBeNull();
  const [, sheetName, column, from, , to] = match ?? [];
  const sheet = workbook.getWorksheet(sheetName ?? "");
  const values: string[] = [];
  for (let row = Number(from); row <= Number(to); row++) values.push(String(sheet?.getCell(`${column}${row}`).value));
  return values;
}

describe("the loaduser template", () => {
  it("opens on the users sheet, then the instructions; the long lists are on a hidden sheet", () => {
    expect(workbook.worksheets.map((sheet) => [sheet.name, sheet.state])).toEqual([
      ["Utilisateurs", "visible"],
      ["Listes", "hidden"],
      ["Consignes", "visible"],
    ]);
  });

  it("has the loaduser headers in order, a frozen header row, widths, and one example row", () => {
    const users = workbook.getWorksheet("Utilisateurs");
    if (!users) throw new Error("no users sheet");
    const headers = (users.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(LOADUSER_COLUMNS.map((column) => column.header));
    expect(users.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    for (let index = 1; index <= LOADUSER_COLUMNS.length; index++) {
      expect(users.getColumn(index).width ?? 0).toBeGreaterThanOrEqual(10);
    }
    const example = (users.getRow(2).values as unknown[]).slice(1);
    expect(example).toEqual(LOADUSER_COLUMNS.map((column) => column.example));
    expect(users.actualRowCount).toBe(2);
    // each header says what it is for
    expect(String(users.getCell("A1").note)).toContain("Obligatoire : Tous les types");
  });

  it("offers a drop-down list for every column that has allowed values, from row 2 on", () => {
    const users = workbook.getWorksheet("Utilisateurs");
    if (!users) throw new Error("no users sheet");
    const validations = validationsOf(users);
    const listed = LOADUSER_COLUMNS.filter((column) => column.allowed);
    expect(listed.map((column) => column.key)).toEqual([
      "type",
      "profession",
      "regionCode",
      "responsibleProfession",
      "unlisted",
      "dematerialisation",
    ]);
    for (const column of listed) {
      for (const row of [2, 3, 500, 5000]) {
        const validation = validations[`${letter(column.key)}${row}`];
        expect(validation, `${column.header} row ${row}`).toMatchObject({ type: "list", showErrorMessage: true });
        expect(choicesOf(validation), column.header).toEqual([...(column.allowed ?? [])]);
      }
      expect(validations[`${letter(column.key)}1`], "not on the header").toBeUndefined();
    }
    expect(choicesOf(validations[`${letter("type")}2`])).toEqual(["MED", "PER", "INT", "ORG", "APP"]);
    expect(choicesOf(validations[`${letter("profession")}2`])).toEqual(professionChoices);
    expect(choicesOf(validations[`${letter("regionCode")}2`])).toEqual(regionChoices);
    expect(choicesOf(validations[`${letter("unlisted")}2`])).toEqual(["oui", "non"]);
    // columns without a list are free
    expect(validations[`${letter("email")}2`]).toBeUndefined();
  });

  it("explains every column on the Consignes sheet, with a short how-to", () => {
    const sheet = workbook.getWorksheet("Consignes");
    if (!sheet) throw new Error("no Consignes sheet");
    const rows: string[][] = [];
    sheet.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1).map((value) => (value == null ? "" : String(value))));
    });
    const text = rows.flat().join("\n");
    expect(text).toContain("Une ligne par compte");
    expect(text).toContain("adresse mail");
    expect(text).toContain("met ce compte à jour");
    expect(text).toContain("simulation");
    // what the import reads, and never .xls announced as accepted (the import refuses Excel 97-2003)
    expect(text).toContain("Formats acceptés à l'import : XLSX ou CSV");
    expect(text).not.toMatch(/XLS ou|XLS,|, XLS/);
    const tableStart = rows.findIndex((row) => row[0] === "Colonne");
    expect(rows[tableStart]).toEqual(["Colonne", "Signification", "Obligatoire pour", "Valeurs autorisées", "Exemple"]);
    const table = rows.slice(tableStart + 1);
    expect(table.map((row) => row[0])).toEqual(LOADUSER_COLUMNS.map((column) => column.header));
    const byHeader = new Map(table.map((row) => [row[0], row]));
    expect(byHeader.get("Type de BAL")?.[2]).toBe("Tous les types");
    expect(byHeader.get("RPPS / ADELI")?.[2]).toBe("PER");
    expect(byHeader.get("FINESS géographique")?.[2]).toBe("INT, ORG, APP");
    expect(byHeader.get("Téléphone")?.[2]).toBe("Facultatif");
    expect(byHeader.get("Profession")?.[3]).toContain("10 - Médecin");
    expect(byHeader.get("Liste rouge")?.[3]).toBe("oui, non");
    for (const column of LOADUSER_COLUMNS) {
      const row = byHeader.get(column.header);
      expect(row?.[1], column.header).not.toBe("");
      expect(row?.[4], column.header).toBe(column.example);
    }
  });

  it("needs read access to the structure: 404 outside the scope, 200 for support", async () => {
    expect((await send(w.castresAdmin, "GET", `/api/structures/${w.chu}/loaduser-template.xlsx`)).statusCode).toBe(404);
    expect((await send(w.support, "GET", `/api/structures/${w.chu}/loaduser-template.xlsx`)).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/structures/${w.chu}/loaduser-template.xlsx` })).statusCode).toBe(401);
  });
});
