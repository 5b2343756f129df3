import { expect, test } from "@playwright/test";

// Defects found by a walk-through of the daily work (each one's regression test).

test("a daughter's Paramétrage opened by its URL shows its mother, and saving keeps it", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/");
  await page
    .getByRole("table", { name: "Structures de votre périmètre" })
    .getByRole("link", { name: "CH Ariège Couserans" })
    .click();
  await expect(page).toHaveURL(/\/accueil$/);
  const settingsUrl = page.url().replace(/\/accueil$/, "/parametrage");
  // opened by its URL: the list of mothers loads after the page itself
  await page.goto(settingsUrl);
  const parent = page.getByRole("region", { name: "Structure mère" });
  await expect(parent).toBeVisible({ timeout: 30_000 });
  await expect(parent.getByLabel("Rattacher à").locator("option", { hasText: "URPS Midi-Pyrénées" })).toHaveCount(1);
  await expect(parent.getByLabel("Rattacher à").locator("option:checked")).toHaveText("GIP e-santé Occitanie");

  // saving another block, then this one, keeps the mother
  const identity = page.getByRole("region", { name: "Identité" });
  await identity.getByRole("button", { name: "Enregistrer" }).click();
  await expect(identity.getByText("Modifications enregistrées")).toBeVisible();
  await parent.getByRole("button", { name: "Enregistrer" }).click();
  await expect(parent.getByText("Modifications enregistrées")).toBeVisible();
  await page.reload();
  await expect(
    page.getByRole("region", { name: "Structure mère" }).getByLabel("Rattacher à").locator("option:checked"),
  ).toHaveText("GIP e-santé Occitanie");
  await expect(page.getByRole("navigation", { name: "Fil d'Ariane" })).toContainText("GIP e-santé Occitanie");
});

test("a deleted email-change request shows no date under Date de réalisation, and when it was deleted", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto("/");
  await page
    .getByRole("table", { name: "Structures de votre périmètre" })
    .getByRole("link", { name: "CHIC Castres Mazamet" })
    .click();
  await page.getByRole("link", { name: "Gestion des utilisateurs Medimail" }).click();
  const structureId = page.url().match(/structures\/([^/]+)\//)?.[1];
  const session = await (await page.request.get("/api/auth/session")).json();
  const headers = { "x-csrf-token": session.csrfToken };
  const list = await (await page.request.get(`/api/structures/${structureId}/accounts?state=VALIDATED`)).json();
  const account = list.items[0] as { id: string; email: string };
  const newEmail = `supprimee.${Date.now()}@chic-cm.fr`;
  const created = await page.request.post(`/api/accounts/${account.id}/email-change`, {
    headers,
    data: { newEmail },
  });
  expect(created.ok(), await created.text()).toBe(true);

  await page.reload();
  await page.getByRole("tab", { name: /Demandes de changement de mail/ }).click();
  await page.getByRole("button", { name: `Supprimer la demande pour ${account.email}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Supprimer la demande" }).click();
  const row = page.getByRole("row", { name: new RegExp(newEmail.replace(/\./g, "\\.")) });
  await expect(row).toContainText(/Supprimée le \d{2}\/\d{2}\/\d{4}/);
  // the column "Date de réalisation" (5th) stays empty: the change was never made
  await expect(row.getByRole("cell").nth(4)).toHaveText("—");
});
