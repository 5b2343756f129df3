import { expect, test } from "@playwright/test";
import { signInWithPassword } from "./support/sign-in.ts";

async function openSettings(page: import("@playwright/test").Page, structure: string) {
  await page.goto("/");
  await page
    .getByRole("table", { name: "Structures de votre périmètre" })
    .getByRole("link", { name: structure })
    .click();
  await expect(page).toHaveURL(/\/accueil$/);
  await page.getByRole("link", { name: "Paramétrage de la structure" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Identité" })).toBeVisible();
}

test("an operator sets the MSSanté domain and quotas of a structure", async ({ page }) => {
  await openSettings(page, "CH Ariège Couserans");
  const block = page.getByRole("region", { name: "MSSanté" });
  await block.getByLabel("Domaine de la structure").fill("ch-ariege-couserans.mssante.fr");
  await block.getByLabel(/Quota ORG/).fill("15");
  await block.getByRole("button", { name: "Enregistrer" }).click();
  await expect(block.getByText("Modifications enregistrées")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("region", { name: "MSSanté" }).getByLabel(/Quota ORG/)).toHaveValue("15");
});

test("an operator creates a structure under a mother, then attaches it to another one", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Créer une structure" }).click();
  const form = page.getByRole("form", { name: "Créer une structure" });
  await form.getByRole("button", { name: "Créer" }).click();
  await expect(form.getByText("Saisissez le nom de la structure")).toBeVisible();
  await form.getByLabel("Nom de la structure").fill("Clinique des Pyrénées");
  await form.getByLabel("Structure mère").selectOption({ label: "CH Ariège Couserans" });
  await form.getByRole("button", { name: "Créer" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Clinique des Pyrénées" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Fil d'Ariane" })).toContainText("CH Ariège Couserans");

  const parent = page.getByRole("region", { name: "Structure mère" });
  const options = parent.getByLabel("Rattacher à").locator("option");
  await expect(options.filter({ hasText: "Clinique des Pyrénées" })).toHaveCount(0); // never under itself
  await parent.getByLabel("Rattacher à").selectOption({ label: "URPS Midi-Pyrénées" });
  await parent.getByRole("button", { name: "Enregistrer" }).click();
  await expect(parent.getByText("Modifications enregistrées")).toBeVisible();
  await page.goto("/");
  await expect(
    page
      .getByRole("table", { name: "Structures de votre périmètre" })
      .getByRole("row", { name: /Clinique des Pyrénées/ }),
  ).toContainText("URPS Midi-Pyrénées");
});

test("an operator sets notification defaults and an automatic enrolment rule", async ({ page }) => {
  await openSettings(page, "CHIC Castres Mazamet");
  const notifications = page.getByRole("region", { name: "Notifications" });
  await notifications.getByLabel("À chaque réception d'un message").uncheck();
  await expect(notifications.getByText("les logiciels de messagerie des utilisateurs ne sont plus")).toBeVisible();
  await notifications.getByLabel("Contacts des administrateurs à prévenir").fill("dsi@chic-cm.fr, pas-une-adresse");
  await notifications.getByRole("button", { name: "Enregistrer" }).click();
  await expect(notifications.getByText("Adresse e-mail invalide")).toBeVisible();
  await notifications.getByLabel("Contacts des administrateurs à prévenir").fill("dsi@chic-cm.fr");
  await notifications.getByRole("button", { name: "Enregistrer" }).click();
  await expect(notifications.getByText("Modifications enregistrées")).toBeVisible();

  const enrolment = page.getByRole("region", { name: "Enrôlement automatique" });
  const newRule = enrolment.getByRole("form", { name: "Nouvelle règle d'enrôlement" });
  await newRule.getByLabel("Département").fill("81");
  await newRule.getByLabel("Mode d'exercice").selectOption("LIBERAL");
  await newRule.getByRole("button", { name: "Ajouter la règle" }).click();
  await expect(enrolment.getByRole("list", { name: "Règles d'enrôlement" })).toContainText(
    "département 81, exercice libéral",
  );
});

test("the address is typed with commune suggestions; département and région follow", async ({ page }) => {
  await openSettings(page, "URPS Midi-Pyrénées");
  const block = page.getByRole("region", { name: "Localisation" });
  await block.getByLabel("Adresse").fill("2 rue Saint-Rome");
  // typed as a person types: the suggestions follow each keystroke
  await block.getByRole("combobox", { name: "Commune" }).fill("");
  await block.getByRole("combobox", { name: "Commune" }).pressSequentially("toulou", { delay: 80 });
  await page.getByRole("option", { name: /^Toulouse \(31000/ }).click();
  await block.getByLabel("Code postal").selectOption("31000");
  await expect(block.getByText("Haute-Garonne (31)")).toBeVisible();
  await expect(block.getByText("Occitanie")).toBeVisible();
  await block.getByRole("button", { name: "Enregistrer" }).click();
  await expect(block.getByText("Modifications enregistrées")).toBeVisible();

  // a commune typed but not chosen in the list is refused next to the field
  await block.getByRole("combobox", { name: "Commune" }).fill("");
  await block.getByRole("combobox", { name: "Commune" }).pressSequentially("Toulouse-sur-mer", { delay: 30 });
  await expect(page.getByText("Aucune commune")).toBeVisible();
  await page.keyboard.press("Escape");
  await block.getByRole("button", { name: "Enregistrer" }).click();
  await expect(block.getByText("Choisissez la commune dans la liste")).toBeVisible();
  await page.reload();
  await expect(
    page.getByRole("region", { name: "Localisation" }).getByRole("combobox", { name: "Commune" }),
  ).toHaveValue("Toulouse");
});

test.describe("as a structure administrator", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("edits the identity (an invalid SIRET is refused next to the field), sees MSSanté read-only, manages admins", async ({
    page,
  }) => {
    await page.goto("/connexion");
    await signInWithPassword(page, "admin.ght31@ght31.fr");
    await openSettings(page, "GHT Haute-Garonne Tarn-Ouest");

    const identity = page.getByRole("region", { name: "Identité" });
    await identity.getByLabel("Type d'identifiant").selectOption("SIRET");
    await identity.getByLabel("Numéro identifiant").fill("732 829 320 00075");
    await identity.getByRole("button", { name: "Enregistrer" }).click();
    await expect(identity.getByText("Numéro SIRET invalide : la clé de contrôle ne correspond pas")).toBeVisible();
    await identity.getByLabel("Numéro identifiant").fill("732 829 320 00074");
    await identity.getByRole("button", { name: "Enregistrer" }).click();
    await expect(identity.getByText("Modifications enregistrées")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("region", { name: "Identité" }).getByLabel("Numéro identifiant")).toHaveValue(
      "73282932000074",
    );

    // MSSanté: read-only on the page, and a forged call is refused by the API
    const mssante = page.getByRole("region", { name: "MSSanté" });
    await expect(mssante.getByLabel(/Quota PER/)).toBeDisabled();
    await expect(mssante.getByRole("button", { name: "Enregistrer" })).toHaveCount(0);
    const { csrfToken } = await (await page.request.get("/api/auth/session")).json();
    const structureId = page.url().match(/structures\/([0-9a-f-]+)/)?.[1];
    const forged = await page.request.put(`/api/structures/${structureId}/mssante`, {
      headers: { "x-csrf-token": csrfToken },
      data: { mssDomain: "pirate.mssante.fr", quotaPer: -1, quotaOrg: -1, quotaApp: -1, mssAdminOnly: false },
    });
    expect(forged.status()).toBe(403);

    // administrators: he cannot remove himself; he adds someone found by name, then removes him
    const admins = page.getByRole("region", { name: "Administrateurs" });
    await expect(admins.getByText("Un seul administrateur")).toBeVisible();
    await expect(admins.getByRole("row", { name: /admin\.ght31@ght31\.fr/ })).toContainText("Vous");
    await admins.getByLabel(/Nom, prénom ou adresse e-mail/).fill("ma");
    await admins.getByRole("button", { name: "Rechercher" }).click();
    const first = admins.getByRole("list", { name: "Comptes trouvés" }).getByRole("button").first();
    const label = (await first.getAttribute("aria-label")) ?? "";
    const email = label.replace("Nommer administrateur ", "");
    await first.click();
    const row = admins.getByRole("row", { name: new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) });
    await expect(row).toBeVisible();
    await expect(admins.getByText("Un seul administrateur")).toHaveCount(0);
    await row.getByRole("button", { name: `Retirer ${email}` }).click();
    await row.getByRole("button", { name: "Confirmer le retrait" }).click();
    await expect(row).toHaveCount(0);
  });
});
