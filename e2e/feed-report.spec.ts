import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { pdfText } from "./support/pdf-text.ts";

// As the demo operator (signed in by the setup project). The demo's referential leaves one PER of the GIP with an
// MSSanté address and no RPPS: its MSS007 row leaves the report once the account gets an RPPS.
const GIP = "GIP e-santé Occitanie";

test("the feed report lists an MSS007, the fix removes it; the PDF and XLSX exports hold the report", async ({
  page,
}) => {
  const { items } = (await (await page.request.get("/api/structures")).json()) as {
    items: { id: string; name: string }[];
  };
  const gip = items.find((item) => item.name === GIP)?.id as string;
  expect(gip).toBeTruthy();

  await page.goto(`/structures/${gip}/mssante/rapport?filles=1`);
  await expect(page.getByRole("heading", { level: 2, name: "Rapport d'alimentation" })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Inclure les structures filles" })).toBeChecked();
  await expect(page.getByText(/empêchent la publication de l'adresse/)).toBeVisible();
  const blocking = page.getByRole("table", { name: /Erreurs bloquantes/ });
  const row = blocking.getByRole("row").filter({ hasText: "MSS007" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Renseigner l'identifiant RPPS/ADELI du professionnel sur Medimail.");
  const account = row.getByRole("link");
  const name = (await account.textContent())?.trim() as string;
  const address = (await row.getByRole("cell").nth(2).textContent())?.trim() as string;
  expect(address).toMatch(/@esante-occitanie\.mssante\.fr$/);

  // the exports, before the fix: the same report
  const pdf = await page.request.get(`/api/structures/${gip}/feed-report.pdf?daughters=true`);
  expect(pdf.ok()).toBe(true);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  const pdfBody = await pdf.body();
  expect(pdfBody.subarray(0, 5).toString()).toBe("%PDF-");
  const text = pdfText(pdfBody);
  expect(text).toContain("Rapport d'alimentation de l'annuaire MSSanté");
  expect(text).toContain(`Structure : ${GIP} et ses structures filles`);
  expect(text).toContain("MSS007");
  expect(text).toContain(address);
  expect(text).toMatch(/Page 1 \/ \d+/);

  const xlsx = await page.request.get(`/api/structures/${gip}/feed-report.xlsx?daughters=true`);
  expect(xlsx.ok()).toBe(true);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
  expect(workbook.getWorksheet("Synthèse")?.getCell("B2").value).toBe(`${GIP} et ses structures filles`);
  const sheet = workbook.getWorksheet("Erreurs");
  const rows = (sheet?.getSheetValues() ?? []).slice(2) as string[][];
  const mss007 = rows.filter((values) => values[2] === "MSS007");
  expect(mss007).toHaveLength(1);
  expect(mss007[0]?.[1]).toBe("Bloquante");
  expect(mss007[0]?.[7]).toBe(address);

  // fix the account: give it an RPPS on its page
  await account.click();
  await expect(page.getByRole("heading", { name: "Fiche du compte" })).toBeVisible();
  await page.getByLabel("Identifiant RPPS ou ADELI *").fill("10100000776");
  await page.getByRole("button", { name: "Enregistrer l'utilisateur" }).click();
  await expect(page.getByText("Utilisateur enregistré.")).toBeVisible();

  // back to the report: the MSS007 row is gone
  await page.goto(`/structures/${gip}/mssante/rapport?filles=1`);
  await expect(page.getByRole("heading", { level: 2, name: "Rapport d'alimentation" })).toBeVisible();
  await expect(page.getByText(/adresses? MSSanté examinées?/)).toBeVisible();
  await expect(page.getByRole("cell", { name: "MSS007" })).toHaveCount(0);
  // its RPPS is not in the referential: the account now shows as MSS008
  const fixed = page
    .getByRole("table", { name: /Erreurs bloquantes/ })
    .getByRole("row")
    .filter({ hasText: address });
  await expect(fixed).toHaveCount(1);
  await expect(fixed).toContainText("MSS008");
  await expect(fixed.getByRole("link")).toHaveText(name);
  const after = await (await page.request.get(`/api/structures/${gip}/feed-report?daughters=true`)).json();
  expect(after.countsByCode.some((entry: { code: string }) => entry.code === "MSS007")).toBe(false);
});
