import { expect, test } from "@playwright/test";

test("an operator sees the scheduled jobs, runs one now and reads its outcome and history", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Tâches planifiées" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tâches planifiées" })).toBeVisible();

  // one card per background job of the console
  const cards = page.getByRole("article");
  for (const label of [
    "Changements d'adresse e-mail",
    "Comptes inactifs",
    "Rejets définitifs",
    "Publication dans l'annuaire national",
    "Extraction de l'annuaire national",
    "Nettoyage des connexions",
    "Activation MSSanté des comptes compatibles",
    "Envoi des e-mails",
    "Imports d'utilisateurs",
    "Exports de l'activité",
    "Expiration des exports",
  ]) {
    await expect(page.getByRole("article", { name: label })).toBeVisible();
  }
  await expect(cards).toHaveCount(11);
  const inactivity = page.getByRole("article", { name: "Comptes inactifs" });
  await expect(inactivity).toContainText("Chaque nuit à 03:30");
  const emails = page.getByRole("article", { name: "Envoi des e-mails" });
  await expect(emails).toContainText("Chaque minute");

  // At start-up the scheduler caught up on last night's run; the demo's accounts unused for six months were
  // loaded with their notice already sent, so neither that run nor one started now has anything to do.
  await inactivity.getByRole("button", { name: "Voir l'historique" }).click();
  const history = inactivity.getByRole("table", { name: "Historique des exécutions : Comptes inactifs" });
  const nightly = history.getByRole("row").filter({ hasText: "Planifiée" });
  await expect(nightly).toHaveCount(1);
  await expect(nightly).toContainText("Terminée", { timeout: 20_000 });
  await expect(nightly.getByRole("cell").nth(6)).toHaveText("0");

  await inactivity.getByRole("button", { name: "Lancer maintenant" }).click();
  await expect(inactivity.getByText("Exécution demandée.")).toBeVisible();
  const manual = history.getByRole("row").filter({ hasText: "Manuelle" });
  await expect(manual).toContainText("Terminée", { timeout: 20_000 });
  await expect(manual.getByRole("cell").nth(6)).toHaveText("0");
  const counts = inactivity.locator("dt", { hasText: "Traités / échecs" }).locator("xpath=following-sibling::dd");
  await expect(counts).toHaveText("0 / 0");
  await inactivity.getByRole("button", { name: "Masquer l'historique" }).click();
  await expect(history).toBeHidden();
});

test("without a mail server, the mails the console sent can be read on the development page", async ({ page }) => {
  await page.goto("/operations/taches");
  // the sign-in codes mailed to the demo's users (the setup signed in) are on the page once the mail job ran
  const emails = page.getByRole("article", { name: "Envoi des e-mails" });
  await emails.getByRole("button", { name: "Lancer maintenant" }).click();
  await expect(emails.getByText("Exécution demandée.")).toBeVisible();

  await page.getByRole("link", { name: "E-mails interceptés" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "E-mails interceptés" })).toBeVisible();
  const codeMail = page.getByRole("listitem").filter({ hasText: "votre code de connexion" }).first();
  await expect(codeMail).toBeVisible({ timeout: 20_000 });
  await codeMail.getByText("Medimail Admin : votre code de connexion").click();
  await expect(codeMail.locator("pre")).toContainText("Il est valable");
});
