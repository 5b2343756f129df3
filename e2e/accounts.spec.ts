import { expect, type Page, test } from "@playwright/test";
import { signInWithPassword } from "./support/sign-in.ts";

// As a structure administrator (the GHT's, who administers its two sites), from a blank browser.
test.use({ storageState: { cookies: [], origins: [] } });

const GHT = "GHT Haute-Garonne Tarn-Ouest";
const run = Date.now().toString(36);

async function openAccounts(page: Page, structure: string) {
  await page.goto("/");
  await page
    .getByRole("table", { name: "Structures de votre périmètre" })
    .getByRole("link", { name: structure })
    .click();
  await page.getByRole("link", { name: "Gestion des utilisateurs Medimail" }).click();
  await expect(page.getByRole("tab", { name: /Utilisateurs validés/ })).toBeVisible();
}

/** A JSON call of the API with the page's session (and its CSRF token). */
async function api(page: Page, method: "GET" | "POST", path: string, data?: unknown) {
  const session = await (await page.request.get("/api/auth/session")).json();
  const response = await page.request.fetch(`/api${path}`, {
    method,
    headers: { "x-csrf-token": session.csrfToken },
    ...(data === undefined ? {} : { data }),
  });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
  return response.status() === 204 ? null : response.json();
}

async function startCreation(page: Page, type: string) {
  await page.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("link", { name: "Créer un nouvel utilisateur" }).click();
  await page.getByRole("radio", { name: new RegExp(`^${type} —`) }).check();
  await page.getByRole("button", { name: "Continuer" }).click();
  await expect(page.getByText(new RegExp(`^${type} —`))).toBeVisible();
}

async function fillPerson(
  page: Page,
  { email, lastName, firstName }: { email: string; lastName: string; firstName: string },
) {
  await page.getByLabel("Adresse mail *").fill(email);
  await page.getByLabel("Nom *", { exact: true }).fill(lastName);
  await page.getByLabel("Prénom *", { exact: true }).fill(firstName);
  await page.getByLabel("Profession *", { exact: true }).selectOption({ label: "Médecin" });
  await page.getByLabel("Région *").selectOption({ label: "Occitanie" });
}

async function fillResponsible(page: Page) {
  await page.getByLabel("Description du compte *").fill("Secrétariat des consultations");
  await page.getByLabel("Nom du responsable *", { exact: true }).fill("Durand");
  await page.getByLabel("Prénom du responsable *", { exact: true }).fill("Anne");
  await page.getByLabel("Profession du responsable *").selectOption({ label: "Médecin" });
  await page.getByLabel("RPPS ou ADELI du responsable *").fill("10001234565");
  await page.getByLabel("FINESS géographique *").fill("310781406");
}

async function create(page: Page) {
  await page.getByRole("button", { name: "Créer l'utilisateur" }).click();
}

async function expectCreated(page: Page, email: string, state: RegExp) {
  await expect(page.getByText(`Le compte ${email} est créé.`)).toBeVisible();
  await expect(page.getByRole("tab", { selected: true })).toHaveText(state);
  await expect(page.getByRole("link", { name: email, exact: true })).toBeVisible();
}

test.beforeEach(async ({ page }) => {
  await signInWithPassword(page, "admin.ght31@ght31.fr");
});

test("an administrator creates one account of each type, fixing one invalid field each time, and finds each", async ({
  page,
}) => {
  await openAccounts(page, GHT);
  const med = { email: `med.${run}@ght31.fr`, lastName: `Médecin${run}`, firstName: "Léa" };

  // MED: an email that is not one
  await startCreation(page, "MED");
  await fillPerson(page, { ...med, email: "pas-une-adresse" });
  await create(page);
  await expect(page.getByText("Adresse e-mail invalide (ex. prenom.nom@chu-toulouse.fr)")).toBeVisible();
  await page.getByLabel("Adresse mail *").fill(med.email);
  await create(page);
  await expectCreated(page, med.email, /Utilisateurs préinscrits/);

  // PER: a national id of the wrong length
  const per = { email: `per.${run}@ght31.fr`, lastName: `Pèrenom${run}`, firstName: "Paul" };
  await startCreation(page, "PER");
  await fillPerson(page, per);
  await page.getByLabel("Identifiant RPPS ou ADELI *").fill("12345");
  await create(page);
  await expect(page.getByText("Identifiant attendu : RPPS (11 chiffres) ou ADELI (9 chiffres)")).toBeVisible();
  await page.getByLabel("Identifiant RPPS ou ADELI *").fill("10101010105");
  await create(page);
  await expectCreated(page, per.email, /Utilisateurs préinscrits/);

  // INT: a FINESS whose check digit is wrong
  const int = { email: `int.${run}@ght31.fr`, lastName: `Interne${run}`, firstName: "Ines" };
  await startCreation(page, "INT");
  await fillPerson(page, int);
  await page.getByLabel("FINESS géographique *").fill("310781407");
  await create(page);
  await expect(page.getByText("Numéro FINESS invalide : la clé de contrôle ne correspond pas")).toBeVisible();
  await page.getByLabel("FINESS géographique *").fill("310781406");
  await create(page);
  await expectCreated(page, int.email, /Utilisateurs préinscrits/);

  // ORG: a connection account that does not exist (the server says so next to it)
  const org = { email: `secretariat.${run}@ght31.fr`, lastName: `Cardiologie${run}`, firstName: "Secrétariat" };
  await startCreation(page, "ORG");
  await fillPerson(page, org);
  await fillResponsible(page);
  await page.getByLabel("Comptes de connexion *").fill(`inconnu.${run}@ght31.fr`);
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await create(page);
  await expect(
    page.getByText(`Aucun compte MED, PER ou INT de votre périmètre n'a l'adresse inconnu.${run}@ght31.fr`),
  ).toBeVisible();
  await page.getByRole("button", { name: `Retirer inconnu.${run}@ght31.fr` }).click();
  await page.getByLabel("Comptes de connexion *").fill(med.email);
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await create(page);
  await expectCreated(page, org.email, /Utilisateurs validés/);

  // APP: a return address outside MSSanté, then the MSSanté address of a PER of the GHT's sites
  const structures = await api(page, "GET", "/structures");
  const ght = structures.items.find((item: { name: string }) => item.name === GHT);
  const pers = await api(
    page,
    "GET",
    `/structures/${ght.id}/accounts?type=PER&state=VALIDATED&daughters=true&limit=200`,
  );
  const returnAddress = pers.items.find((item: { mssAddress: string | null }) => item.mssAddress)?.mssAddress;
  expect(returnAddress, "a PER of the demo with an MSSanté address").toBeTruthy();
  const app = { email: `dpi.${run}@ght31.fr`, lastName: `Logiciel${run}`, firstName: "DPI" };
  await startCreation(page, "APP");
  await fillPerson(page, app);
  await fillResponsible(page);
  await page.getByLabel("Comptes de connexion *").fill(per.email);
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await page.getByLabel("Adresse retour MSSanté *").fill("retour@ght31.fr");
  await create(page);
  await expect(page.getByText("Adresse MSSanté attendue (…@….mssante.fr)")).toBeVisible();
  await page.getByLabel("Adresse retour MSSanté *").fill(returnAddress);
  await create(page);
  await expectCreated(page, app.email, /Utilisateurs validés/);

  // each one found by the search (accents and case aside), with the state and type filters
  for (const [account, type] of [
    [med, "MED"],
    [per, "PER"],
    [int, "INT"],
    [org, "ORG"],
    [app, "APP"],
  ] as const) {
    await page.getByRole("tab", { name: "Rechercher" }).click();
    const search = page.getByRole("search", { name: "Rechercher un compte" });
    await search.getByLabel("Recherche").fill(
      account.lastName
        .normalize("NFD")
        .replace(/\p{Diacritic}/gu, "")
        .toUpperCase(),
    );
    await search.getByLabel("Type d'utilisateur").selectOption(type);
    await search.getByRole("button", { name: "Rechercher" }).click();
    await expect(page.getByRole("link", { name: account.email, exact: true })).toBeVisible();
    await expect(page.getByRole("table").getByRole("row")).toHaveCount(2); // header + the account
  }
  // the search is in the URL: a reload shows the same result
  await page.reload();
  await expect(page.getByRole("link", { name: app.email, exact: true })).toBeVisible();
});

test("an administrator validates a self-registered account, then rejects and rehabilitates one", async ({ page }) => {
  // a professional registers on the public form; the auto-enrolment rule of the demo (chic-cm.fr) places them
  const email = `inscrit.${run}@chic-cm.fr`;
  // leave the console first: signed in by beforeEach, its home page would still be loading, and once the cookies are
  // gone it fetches an anonymous session of its own, whose CSRF cookie replaces ours (a 403 seen once in CI)
  await page.goto("about:blank");
  await page.context().clearCookies();
  const anonymous = await (await page.request.get("/api/auth/session")).json();
  const registered = await page.request.post("/api/registration", {
    headers: { "x-csrf-token": anonymous.csrfToken },
    data: {
      email,
      lastName: `Inscrit${run}`,
      firstName: "Zoé",
      profession: "60",
      regionCode: "76",
      nationalId: "",
      postcode: "81100",
      city: "Castres",
      liberal: false,
      password: "un mot de passe assez long",
    },
  });
  expect(registered.status(), await registered.text()).toBe(202);
  await page.goto("/connexion"); // the page takes the anonymous CSRF token of the cookie now set
  await signInWithPassword(page, "admin.castres@chic-cm.fr");

  await openAccounts(page, "CHIC Castres Mazamet");
  await page.getByRole("tab", { name: /Utilisateurs à valider/ }).click();
  const row = page.getByRole("row", { name: new RegExp(email) });
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: `Valider ${email}` }).click();
  await expect(page.getByRole("link", { name: email, exact: true })).toHaveCount(0);
  await page.getByRole("tab", { name: /Utilisateurs validés/ }).click();
  await expect(page.getByRole("link", { name: email, exact: true })).toBeVisible();

  // reject (after confirming), it moves to "rejetés"; rehabilitate, it is back where it was
  const validatedCount = async () =>
    Number(
      (
        await page
          .getByRole("tab", { name: /Utilisateurs validés/ })
          .locator(".tabs__count")
          .textContent()
      )?.replace(/\s/g, ""),
    );
  const before = await validatedCount();
  await page.getByRole("button", { name: `Rejeter ${email}` }).click();
  const dialog = page.getByRole("dialog", { name: "Rejeter ce compte ?" });
  await expect(dialog.getByRole("button", { name: "Annuler" })).toBeFocused();
  await dialog.getByRole("button", { name: "Rejeter le compte" }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(validatedCount).toBe(before - 1);
  await page.getByRole("tab", { name: /Utilisateurs rejetés/ }).click();
  await page.getByRole("button", { name: `Réhabiliter ${email}` }).click();
  await expect(page.getByRole("link", { name: email, exact: true })).toHaveCount(0);
  await page.getByRole("tab", { name: /Utilisateurs validés/ }).click();
  await expect(page.getByRole("link", { name: email, exact: true })).toBeVisible();
  await expect.poll(validatedCount).toBe(before);
});

test("an administrator changes an email (request in its tab) and a type from MED to PER (asked for the RPPS)", async ({
  page,
}) => {
  await openAccounts(page, GHT);
  const email = `changement.${run}@ght31.fr`;
  await startCreation(page, "MED");
  await fillPerson(page, { email, lastName: `Changement${run}`, firstName: "Marc" });
  await create(page);
  await expectCreated(page, email, /Utilisateurs préinscrits/);
  await page.getByRole("link", { name: email, exact: true }).click();
  await expect(page.getByRole("heading", { level: 2, name: `Marc Changement${run}` })).toBeVisible();

  // change the email: a request, applied tonight, listed in its tab
  const newEmail = `nouveau.${run}@ght31.fr`;
  await page.getByRole("button", { name: "Changer l'adresse mail" }).click();
  const dialog = page.getByRole("dialog", { name: "Changer l'adresse mail" });
  await dialog.getByLabel("Nouvelle adresse mail").fill(newEmail);
  await dialog.getByRole("button", { name: "Enregistrer la demande" }).click();
  await expect(page.getByText(`Changement d'adresse en attente vers ${newEmail}`)).toBeVisible();

  // change the type: MED → PER asks for the RPPS
  await page.getByRole("button", { name: "Changer le type de BAL" }).click();
  const typeDialog = page.getByRole("dialog", { name: "Je change le type de BAL de l'utilisateur" });
  await typeDialog.getByRole("radio", { name: /^PER —/ }).check();
  await typeDialog.getByRole("button", { name: "Valider" }).click();
  const rpps = page.getByLabel("Identifiant RPPS ou ADELI *");
  await expect(rpps).toBeVisible();
  await page.getByRole("button", { name: "Enregistrer l'utilisateur" }).click();
  await expect(page.getByText("Saisissez l'identifiant RPPS (11 chiffres) ou ADELI (9 chiffres)")).toBeVisible();
  await rpps.fill("10987654323");
  await page.getByRole("button", { name: "Enregistrer l'utilisateur" }).click();
  await expect(page.getByText("Utilisateur enregistré.")).toBeVisible();
  await page.reload();
  await expect(page.getByText(/PER — PERsonnel/).first()).toBeVisible();
  await expect(page.getByLabel("Identifiant RPPS ou ADELI *")).toHaveValue("10987654323");

  await page.getByRole("link", { name: "← Retour à la liste des utilisateurs" }).click();
  await page.getByRole("tab", { name: /Demandes de changement de mail/ }).click();
  const request = page.getByRole("row", { name: new RegExp(newEmail) });
  await expect(request).toContainText(email);
  await expect(request).toContainText("En attente");
});
