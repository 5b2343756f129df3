import { expect, type Page, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { LOADUSER_COLUMNS, type LoaduserKey } from "../packages/contracts/src/loaduser.ts";

// "Importer une liste d'utilisateurs" as the demo operator (the default signed-in state): an XLSX built with the
// template's headers, its dry run (3 to create, 2 rejected with their reasons), the apply followed to its end, and
// the new accounts in the list.

const STRUCTURE = "CH Ariège Couserans";
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

/** An XLSX with the template's header row (every loaduser column) and these rows. */
async function loaduserFile(rows: Partial<Record<LoaduserKey, string>>[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Utilisateurs");
  sheet.addRow(LOADUSER_COLUMNS.map((column) => column.header));
  for (const row of rows) sheet.addRow(LOADUSER_COLUMNS.map((column) => row[column.key] ?? ""));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const person = { profession: "10 - Médecin", regionCode: "76 - Occitanie" };

test("an operator imports an XLSX: the dry run shows what will be created and what is rejected, then the import is applied", async ({
  page,
}) => {
  const lastName = `Importé${run}`;
  const file = await loaduserFile([
    { type: "MED", email: `med.${run}@ch-ariege.fr`, lastName, firstName: "Louise", ...person },
    {
      type: "PER",
      email: `per.${run}@ch-ariege.fr`,
      lastName,
      firstName: "Paul",
      nationalId: "10101234564",
      ...person,
    },
    { type: "INT", email: `int.${run}@ch-ariege.fr`, lastName, firstName: "Inès", finessSite: "310781406", ...person },
    { type: "MED", email: `pas-une-adresse-${run}`, lastName, firstName: "Rejeté", ...person },
    { type: "PER", email: `sans.rpps.${run}@ch-ariege.fr`, lastName, firstName: "Rejeté", ...person },
  ]);

  await openAccounts(page);
  await page.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("link", { name: "Importer une liste d'utilisateurs" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Importer une liste d'utilisateurs" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Télécharger la dernière version du modèle loaduser" })).toBeVisible();

  // nothing chosen: said so, nothing sent
  await page.getByRole("button", { name: "Analyser le fichier" }).click();
  await expect(page.getByRole("alert")).toContainText("Choisissez le fichier à importer.");

  await page.getByLabel("Liste d'utilisateurs à importer (fichier .xlsx ou .csv)").setInputFiles({
    name: "utilisateurs.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: file,
  });
  await page.getByRole("button", { name: "Analyser le fichier" }).click();

  await expect(page.getByRole("heading", { name: "Résultat de l'analyse de « utilisateurs.xlsx »" })).toBeVisible();
  const counts = page.locator(".import-counts");
  await expect(counts.locator("div", { hasText: "À créer" }).locator("dd")).toHaveText("3");
  await expect(counts.locator("div", { hasText: "À mettre à jour" }).locator("dd")).toHaveText("0");
  await expect(counts.locator("div", { hasText: "Rejetés" }).locator("dd")).toHaveText("2");
  const rejected = page.getByRole("table", { name: /Lignes rejetées/ });
  await expect(rejected.getByRole("row")).toHaveCount(3);
  await expect(rejected.getByRole("row").nth(1)).toContainText("5");
  await expect(rejected.getByRole("row").nth(1)).toContainText("Adresse mail");
  await expect(rejected.getByRole("row").nth(1)).toContainText("Adresse e-mail invalide");
  await expect(rejected.getByRole("row").nth(2)).toContainText("RPPS / ADELI");
  await expect(rejected.getByRole("row").nth(2)).toContainText("Saisissez l'identifiant RPPS");
  await expect(page.getByRole("link", { name: "Télécharger le fichier des erreurs" })).toBeVisible();

  // the list is untouched until the import is applied
  const dryRunUrl = page.url();
  await page.goto(dryRunUrl.replace(/\/import\?.*$/, `?q=${encodeURIComponent(lastName)}`));
  await expect(page.getByText("Aucun compte ne correspond à ces critères")).toBeVisible();
  await page.goto(dryRunUrl);

  await page.getByRole("button", { name: "Appliquer l'import" }).click();
  const dialog = page.getByRole("dialog", { name: "Appliquer l'import ?" });
  await expect(dialog).toContainText("3 comptes seront créés");
  await expect(dialog).toContainText("2 lignes rejetées seront ignorées");
  await expect(dialog).toContainText("Aucun e-mail ne sera envoyé");
  await dialog.getByRole("button", { name: "Appliquer l'import" }).click();

  // the job runs in the background; the page follows it to its end
  await expect(page.getByText("Import terminé")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("status").filter({ hasText: "Import terminé" })).toContainText(
    "3 comptes créés, 0 compte mis à jour, 0 inchangé, 2 lignes rejetées",
  );

  await page.getByRole("link", { name: "Voir la liste des utilisateurs" }).click();
  await page.getByRole("searchbox").first().fill(lastName);
  await page.getByRole("searchbox").first().press("Enter");
  for (const email of [`med.${run}@ch-ariege.fr`, `per.${run}@ch-ariege.fr`, `int.${run}@ch-ariege.fr`]) {
    await expect(page.getByRole("link", { name: email, exact: true })).toBeVisible();
  }
  await expect(page.getByRole("link", { name: `sans.rpps.${run}@ch-ariege.fr` })).toHaveCount(0);
});

test("a web page renamed .xlsx is refused with a clear message", async ({ page }) => {
  await openAccounts(page);
  await page.goto(`${page.url().replace(/\?.*$/, "")}/import`);
  await page.getByLabel("Liste d'utilisateurs à importer (fichier .xlsx ou .csv)").setInputFiles({
    name: "utilisateurs.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: Buffer.from("<!DOCTYPE html><html><body><table></table></body></html>"),
  });
  await page.getByRole("button", { name: "Analyser le fichier" }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Fichier refusé");
  await expect(alert).toContainText("Ce fichier est une page web ou un document XML");
});
