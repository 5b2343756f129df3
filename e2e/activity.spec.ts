import { expect, type Page, test } from "@playwright/test";
import ExcelJS from "exceljs";

// "Activité structure" as the demo operator (the default signed-in state): the section opens on the 300 latest
// messages, is filtered by an address and a period, and an XLSX export of that result is requested, followed
// until it is ready, downloaded, and its rows counted against what the API counts for the same criteria.

const STRUCTURE = "CHU de Toulouse — Site Purpan";
const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });
const daysAgo = (days: number) => parisDay.format(new Date(Date.now() - days * 86_400_000));

async function openActivity(page: Page): Promise<string> {
  await page.goto("/");
  await page
    .getByRole("table", { name: "Structures de votre périmètre" })
    .getByRole("link", { name: STRUCTURE })
    .click();
  await page.getByRole("link", { name: "Activité structure" }).click();
  await expect(page).toHaveURL(/\/structures\/[0-9a-f-]+\/activite/);
  return page.url().match(/structures\/([0-9a-f-]+)\//)?.[1] as string;
}

/** The API's answer for some criteria, with the page's session. */
async function apiSearch(page: Page, structureId: string, query: string) {
  const response = await page.request.get(`/api/structures/${structureId}/activity?${query}`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as {
    items: { sender: string; recipients: string[]; direction: string; address: string }[];
    more: boolean;
    chartTotal: number;
  };
}

test("search the message log, then export the result as XLSX and count its rows", async ({ page }) => {
  const structureId = await openActivity(page);
  const messages = page.getByRole("table", { name: /derniers messages/ });

  // opening the section searches without criteria: the 300 latest, with the note that there are more
  await expect(messages.locator("tbody tr")).toHaveCount(300);
  await expect(page.getByText(/Seuls les 300 messages les plus récents sont affichés/)).toBeVisible();
  await expect(page.getByRole("img", { name: /Messages envoyés et reçus par jour/ })).toBeVisible();

  // one of the structure's mailboxes, over the last two weeks up to yesterday (a whole, finished period)
  const latest = await apiSearch(page, structureId, "");
  const address = latest.items.find((item) => item.direction === "SENT")?.address as string;
  expect(address).toBeTruthy();
  const from = daysAgo(14);
  const to = daysAgo(1);
  await page.getByLabel("Adresse", { exact: true }).fill(address);
  await page.getByLabel("Du", { exact: true }).fill(from);
  await page.getByLabel("Au", { exact: true }).fill(to);
  await page.getByRole("button", { name: "Rechercher" }).click();
  await expect(page).toHaveURL(new RegExp(`adresse=${encodeURIComponent(address).replace(/\./g, "\\.")}`));
  await expect(page).toHaveURL(new RegExp(`du=${from}&au=${to}`));

  const criteria = `address=${encodeURIComponent(address)}&from=${from}&to=${to}`;
  const filtered = await apiSearch(page, structureId, criteria);
  expect(filtered.chartTotal).toBeGreaterThan(0);
  const rows = messages.locator("tbody tr");
  await expect(rows).toHaveCount(Math.min(300, filtered.chartTotal));
  for (const text of await rows.allInnerTexts()) expect(text).toContain(address);
  await expect(page.getByTestId("chart-total")).toContainText(`${filtered.chartTotal.toLocaleString("fr-FR")} message`);
  // the chart's figures, for screen readers too
  await page.getByText("Voir les chiffres").click();
  await expect(page.getByRole("table", { name: "Messages par jour" }).locator("tbody tr")).toHaveCount(14);

  // the export of the whole result, processed in the background: the history shows it until its file is ready
  await page.getByRole("button", { name: "Exporter en XLS (format XLSX)" }).click();
  await expect(page.getByText(/Export demandé/)).toBeVisible();
  const history = page.getByRole("table", { name: /Historique des exports/ });
  const row = history.locator("tbody tr").first();
  await expect(row).toContainText(address);
  await expect(row).toContainText(/En attente|En cours|Terminé/);
  await expect(row).toContainText("Terminé", { timeout: 20_000 });
  await expect(row).toContainText(`${filtered.chartTotal.toLocaleString("fr-FR")} lignes`);

  const downloading = page.waitForEvent("download");
  await row.getByRole("link", { name: /Récupérer/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^activite-chu-de-toulouse-site-purpan-.*\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(await download.path());
  const sheet = workbook.worksheets[0];
  expect(sheet?.getRow(1).values).toEqual(
    expect.arrayContaining(["Date", "Emetteur", "Destinataires", "Sens", "Taille (octets)", "MSSanté"]),
  );
  const dataRows = (sheet?.actualRowCount ?? 0) - 1;
  expect(dataRows).toBe(filtered.chartTotal);
  // every row involves the address, as sender or recipient
  sheet?.eachRow((line, index) => {
    if (index === 1) return;
    expect(`${line.getCell(2).text} ${line.getCell(3).text}`).toContain(address);
  });
});
