import { expect, type Page, test } from "@playwright/test";
import ExcelJS from "exceljs";

// The loaduser round trip as an administrator would do it, as the demo operator: download the template, fill it in
// a spreadsheet (3 valid rows, 2 invalid), import it (dry run, then apply), export the users as XLSX, change a
// name in the export, import it again: one account updated, the others unchanged.

const STRUCTURE = "URPS Midi-Pyrénées";
const run = Date.now().toString(36);

async function openAccounts(page: Page) {
  await page.goto("/");
  await page
    .getByRole("table", { name: "Structures de votre périmètre" })
    .getByRole("link", { name: STRUCTURE })
    .click();
  await page.getByRole("link", { name: "Gestion des utilisateurs Medimail" }).click();
  await expect(page.getByRole("tab", { name: /Utilisateurs validés/ })).toBeVisible();
}

/** Clicks an entry of the Actions menu that downloads a file; answers the file's bytes. */
async function downloadFromActions(page: Page, entry: string): Promise<Buffer> {
  await page.getByRole("button", { name: "Actions" }).click();
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: entry }).click();
  const download = await downloading;
  const path = await download.path();
  const { readFile } = await import("node:fs/promises");
  return readFile(path);
}

/** The users sheet of a workbook, and the column number of each header. */
async function usersSheet(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet("Utilisateurs");
  if (!sheet) throw new Error("no 'Utilisateurs' sheet");
  const columns = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, number) => columns.set(String(cell.value), number));
  return { workbook, sheet, columns };
}

async function importFile(page: Page, name: string, bytes: Buffer) {
  await page.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("link", { name: "Importer une liste d'utilisateurs" }).click();
  await page.getByLabel("Liste d'utilisateurs à importer (fichier .xlsx ou .csv)").setInputFiles({
    name,
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: bytes,
  });
  await page.getByRole("button", { name: "Analyser le fichier" }).click();
  await expect(page.getByRole("heading", { name: `Résultat de l'analyse de « ${name} »` })).toBeVisible();
}

const count = (page: Page, label: string) =>
  page.locator(".import-counts").locator("div", { hasText: label }).locator("dd");

async function apply(page: Page, summary: string) {
  await page.getByRole("button", { name: "Appliquer l'import" }).click();
  await page
    .getByRole("dialog", { name: "Appliquer l'import ?" })
    .getByRole("button", { name: "Appliquer l'import" })
    .click();
  await expect(page.getByRole("status").filter({ hasText: "Import terminé" })).toContainText(summary, {
    timeout: 30_000,
  });
}

test("template → 3 valid and 2 invalid rows → import; export XLSX → one name changed → re-import: 1 updated", async ({
  page,
}) => {
  await openAccounts(page);
  const template = await usersSheet(
    await downloadFromActions(page, "Télécharger la dernière version du modèle loaduser"),
  );
  const column = (header: string) => {
    const number = template.columns.get(header);
    if (!number) throw new Error(`no column "${header}" in the template`);
    return number;
  };
  template.sheet.spliceRows(2, 1); // the example row
  const lastName = `Modèle${run}`;
  const rows: Record<string, string>[] = [
    { "Type de BAL": "MED", "Adresse mail": `med.${run}@urps.fr`, Prénom: "Louise" },
    { "Type de BAL": "PER", "Adresse mail": `per.${run}@urps.fr`, Prénom: "Paul", "RPPS / ADELI": "10101234564" },
    { "Type de BAL": "INT", "Adresse mail": `int.${run}@urps.fr`, Prénom: "Inès", "FINESS géographique": "310781406" },
    { "Type de BAL": "PER", "Adresse mail": `sans.rpps.${run}@urps.fr`, Prénom: "Rejeté" },
    { "Type de BAL": "XYZ", "Adresse mail": `type.${run}@urps.fr`, Prénom: "Rejeté" },
  ];
  rows.forEach((row, index) => {
    const line = template.sheet.getRow(index + 2);
    for (const [header, value] of Object.entries({
      ...row,
      Nom: lastName,
      Profession: "10 - Médecin",
      Région: "76 - Occitanie",
    })) {
      line.getCell(column(header)).value = value;
    }
    line.commit();
  });
  const filled = Buffer.from(await template.workbook.xlsx.writeBuffer());

  await importFile(page, "modele-rempli.xlsx", filled);
  await expect(count(page, "À créer")).toHaveText("3");
  await expect(count(page, "Rejetés")).toHaveText("2");
  const rejected = page.getByRole("table", { name: /Lignes rejetées/ });
  await expect(rejected.getByRole("row", { name: /RPPS \/ ADELI/ })).toContainText("Saisissez l'identifiant RPPS");
  await expect(rejected.getByRole("row", { name: /Type de BAL/ })).toBeVisible();
  await apply(page, "3 comptes créés");

  await page.getByRole("link", { name: "Voir la liste des utilisateurs" }).click();
  await page.getByRole("searchbox").first().fill(lastName);
  await page.getByRole("searchbox").first().press("Enter");
  for (const email of [`med.${run}@urps.fr`, `per.${run}@urps.fr`, `int.${run}@urps.fr`]) {
    await expect(page.getByRole("link", { name: email, exact: true })).toBeVisible();
  }

  // export, change one name in the spreadsheet, import again
  const exported = await usersSheet(await downloadFromActions(page, "Exporter la liste d'utilisateurs au format XLSX"));
  const emailColumn = exported.columns.get("Adresse mail") ?? 0;
  const nameColumn = exported.columns.get("Nom") ?? 0;
  let changed = 0;
  exported.sheet.eachRow((row, number) => {
    if (number > 1 && row.getCell(emailColumn).value === `per.${run}@urps.fr`) {
      row.getCell(nameColumn).value = `Renommé${run}`;
      changed++;
    }
  });
  expect(changed).toBe(1);
  await importFile(page, "export-modifie.xlsx", Buffer.from(await exported.workbook.xlsx.writeBuffer()));
  await expect(count(page, "À créer")).toHaveText("0");
  await expect(count(page, "À mettre à jour")).toHaveText("1");
  await expect(count(page, "Rejetés")).toHaveText("0");
  await apply(page, "1 compte mis à jour");

  await page.getByRole("link", { name: "Voir la liste des utilisateurs" }).click();
  await page.getByRole("searchbox").first().fill(`Renommé${run}`);
  await page.getByRole("searchbox").first().press("Enter");
  await expect(page.getByRole("link", { name: `per.${run}@urps.fr`, exact: true })).toBeVisible();
});
