import { expect, test } from "@playwright/test";

test("a person opens the console, finds a structure in the tree and opens it", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Sélectionner la structure à administrer — Medimail Admin");
  await expect(page.getByRole("heading", { level: 1, name: "Sélectionner la structure à administrer" })).toBeVisible();

  const table = page.getByRole("table", { name: "Structures de votre périmètre" });
  await expect(table.getByRole("columnheader")).toHaveText([
    /Nom de la structure/,
    /Structure parente/,
    /Total utilisateurs/,
    /Administrateurs/,
  ]);
  const purpan = table.getByRole("row", { name: /CHU de Toulouse — Site Purpan/ });
  await expect(purpan).toContainText("GHT Haute-Garonne Tarn-Ouest");

  // collapse the hospital group: its two sites disappear, then come back
  const toggle = page.getByRole("button", { name: "Replier les structures filles de GHT Haute-Garonne Tarn-Ouest" });
  await toggle.click();
  await expect(purpan).toBeHidden();
  await page.getByRole("button", { name: "Déplier les structures filles de GHT Haute-Garonne Tarn-Ouest" }).click();
  await expect(purpan).toBeVisible();

  // search ignores accents and case, and keeps the path to the match
  await page.getByLabel("Rechercher une structure").fill("ariege");
  await expect(table.getByRole("row")).toHaveCount(3); // header, GIP (ancestor), CH Ariège Couserans
  await page.getByLabel("Rechercher une structure").fill("zzz");
  await expect(page.getByText("Aucune structure ne correspond à « zzz »")).toBeVisible();
  await page.getByLabel("Rechercher une structure").fill("");

  // sort by total users, largest first
  await page.getByRole("button", { name: /Total utilisateurs/ }).click();
  await expect(table.getByRole("row").nth(1)).toContainText("CHU de Toulouse — Site Purpan");

  // open a structure with the keyboard: its four sections are there
  await table.getByRole("link", { name: "CHU de Toulouse — Site Purpan" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/structures\/[0-9a-f-]+\/accueil$/);
  await expect(page.getByRole("heading", { level: 1, name: "CHU de Toulouse — Site Purpan" })).toBeVisible();
  const sections = page.getByRole("navigation", { name: "Rubriques de la structure" }).getByRole("link");
  await expect(sections).toHaveText([
    "Accueil",
    "Paramétrage de la structure",
    "Gestion des utilisateurs Medimail",
    "Gestion des utilisateurs MSSanté",
    "Activité structure",
  ]);
  // the home: what to handle first, the accounts, the quotas and the last 30 days of mail
  await expect(page.getByRole("region", { name: "À traiter" })).toContainText("à valider");
  await expect(page.getByRole("img", { name: "Messages envoyés et reçus par jour, 30 derniers jours" })).toBeVisible();
  await page.getByRole("link", { name: "Paramétrage de la structure" }).click();
  await expect(page.getByLabel("Domaine de la structure")).toHaveValue("chu-toulouse.mssante.fr");
  const breadcrumb = page.getByRole("navigation", { name: "Fil d'Ariane" });
  await expect(breadcrumb).toContainText("GIP e-santé Occitanie");
  await expect(breadcrumb).toContainText("GHT Haute-Garonne Tarn-Ouest");

  // the URL survives a reload (the API serves the SPA for its routes)
  await page.getByRole("link", { name: "Activité structure" }).click();
  await page.reload();
  await expect(page.getByRole("heading", { level: 2, name: "Liste des messages" })).toBeVisible();
});

test("an unknown structure shows a clear error, not a blank page", async ({ page }) => {
  await page.goto("/structures/00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("alert")).toContainText("Structure introuvable");
  await page.goto("/une-page-qui-n-existe-pas");
  await expect(page.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
});
