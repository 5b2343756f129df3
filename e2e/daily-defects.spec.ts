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
