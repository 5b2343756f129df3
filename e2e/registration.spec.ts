import { expect, type Page, test } from "@playwright/test";
import { DEMO_PASSWORD, signInWithPassword } from "./support/sign-in.ts";

interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
}

/** The newest mail caught after `since` that `matches`, read from the development catcher. */
async function mailFromCatcher(
  page: Page,
  since: Date,
  matches: (mail: CaughtMail) => boolean,
  description: string,
): Promise<CaughtMail> {
  let found: CaughtMail | undefined;
  await expect
    .poll(
      async () => {
        const response = await page.request.get("/api/dev/mails");
        const { items } = (await response.json()) as { items: CaughtMail[] };
        found = items.find((mail) => new Date(mail.receivedAt) >= since && matches(mail));
        return Boolean(found);
      },
      { timeout: 15_000, message: description },
    )
    .toBe(true);
  return found as CaughtMail;
}

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a professional signs up from the login page; the administrators of the structure chosen are told", async ({
    page,
  }) => {
    await page.goto("/connexion");
    await page.getByRole("link", { name: "S'inscrire" }).click();
    await expect(page).toHaveURL(/\/inscription$/);
    await expect(page.getByRole("heading", { level: 1, name: "S'inscrire à Medimail" })).toBeVisible();

    const stamp = Date.now();
    const form = page.getByRole("form", { name: "Inscription" });
    // an address whose domain no enrolment rule of the demo takes in
    await form.getByLabel("Adresse e-mail").fill(`claire.fabre.${stamp}@exemple-sante.fr`);
    await form.getByLabel("Nom", { exact: true }).fill("Fabre");
    await form.getByLabel("Prénom").fill("Claire");
    await form.getByLabel("Profession").selectOption({ label: "Infirmier" });
    await form.getByLabel("Région d'exercice").selectOption({ label: "Occitanie" });
    await form.getByLabel("Identifiant RPPS/ADELI").fill("12345");
    await form.getByLabel("Code postal").fill("81100");
    await form.getByLabel("Commune").fill("Castres");
    await form.getByLabel("Mot de passe", { exact: true }).fill("Une phrase de passe solide");
    await form.getByLabel("Confirmation du mot de passe").fill("Une phrase de passe solide");

    // the wrong identifier is reported next to its field, which takes the focus; fixing it clears the message
    await form.getByRole("button", { name: "S'inscrire" }).click();
    const nationalId = form.getByLabel("Identifiant RPPS/ADELI");
    await expect(form.getByText("Identifiant attendu : RPPS (11 chiffres) ou ADELI (9 chiffres)")).toBeVisible();
    await expect(nationalId).toBeFocused();
    await expect(nationalId).toHaveAttribute("aria-invalid", "true");
    await nationalId.fill("");
    await expect(form.getByText("Identifiant attendu")).toBeHidden();
    await expect(nationalId).not.toHaveAttribute("aria-invalid", "true");

    // no structure takes in this profile: the server's explanation above the form, focused
    await form.getByRole("button", { name: "S'inscrire" }).click();
    const summary = form.getByRole("alert");
    await expect(summary).toContainText("Aucune structure n'accueille automatiquement les inscriptions");
    await expect(summary).toBeFocused();

    // with the address of the hospital (rule "domaine chic-cm.fr" of the demo): sent, the button waits meanwhile
    const email = `claire.fabre.${stamp}@chic-cm.fr`;
    await form.getByLabel("Adresse e-mail").fill(email);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route("**/api/registration", async (route) => {
      await held;
      await route.continue();
    });
    const since = new Date();
    await form.getByRole("button", { name: "S'inscrire" }).click();
    await expect(form.getByRole("button", { name: "Envoi…" })).toBeDisabled();
    release();

    await expect(page.getByRole("heading", { level: 1, name: "Inscription enregistrée" })).toBeFocused();
    await expect(
      page.getByText(
        "Votre inscription est enregistrée auprès de CHIC Castres Mazamet. Un administrateur doit la valider ; vous recevrez un e-mail.",
      ),
    ).toBeVisible();

    const notice = await mailFromCatcher(
      page,
      since,
      (mail) => mail.subject === "Medimail : une inscription est à valider pour CHIC Castres Mazamet",
      "the notice to the administrators of CHIC Castres Mazamet",
    );
    expect(notice.text).toContain(`Claire Fabre (${email})`);
    expect(notice.text).toContain("/utilisateurs?etat=PENDING_VALIDATION");

    await page.getByRole("link", { name: "Retour à la page de connexion" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Se connecter" })).toBeVisible();
  });

  test("a link that is not (or no longer) valid says so and leads to the login page", async ({ page }) => {
    await page.goto("/inscription/finaliser?jeton=pas-un-vrai-jeton-de-lien-1234");
    await expect(page.getByRole("heading", { level: 1, name: "Lien inutilisable" })).toBeVisible();
    await expect(page.getByText("Ce lien n'est pas valide")).toBeVisible();
    await page.getByRole("link", { name: "Aller à la page de connexion" }).click();
    await expect(page).toHaveURL(/\/connexion$/);
  });
});

const HOLDER = "admin.castres@chic-cm.fr";

interface AccountItem {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

/** The CSRF token of the page's session (the operator's, in the default storage state). */
async function csrfToken(page: Page): Promise<string> {
  return ((await (await page.request.get("/api/auth/session")).json()) as { csrfToken: string }).csrfToken;
}

/** As the signed-in operator: the accounts of a structure of the demo matching a query string. */
async function findAccounts(page: Page, structureName: string, query: string): Promise<AccountItem[]> {
  const { items: structures } = (await (await page.request.get("/api/structures")).json()) as {
    items: { id: string; name: string }[];
  };
  const structure = structures.find((item) => item.name === structureName);
  expect(structure, structureName).toBeDefined();
  const response = await page.request.get(`/api/structures/${structure?.id}/accounts?${query}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { items: AccountItem[] }).items;
}

/** As the signed-in operator: runs an account action that mails a link to the holder, answers the link. */
async function mailedLink(
  page: Page,
  action: string,
  holder: AccountItem,
  subject: string,
  exceptLink?: string,
): Promise<string> {
  const since = new Date();
  const response = await page.request.post(`/api/accounts/${holder.id}/${action}`, {
    headers: { "x-csrf-token": await csrfToken(page) },
  });
  expect(response.ok(), `${action}: ${response.status()}`).toBe(true);
  const mail = await mailFromCatcher(
    page,
    since,
    (item) =>
      item.to.includes(holder.email) && item.subject === subject && (!exceptLink || !item.text.includes(exceptLink)),
    `the mail "${subject}" to ${holder.email}`,
  );
  const link = mail.text.match(/https?:\/\/\S+\?jeton=\S+/)?.[0];
  expect(link, "a link in the mail").toBeDefined();
  return link as string;
}

const RESET_SUBJECT = "Réinitialisation de votre mot de passe Medimail";

test("a password-reset link sets a new password once; the holder signs in with it", async ({ page, browser }) => {
  // strong, and without the holder's name or address in it (both refused)
  const newPassword = "Orage-violet-sur-la-colline-47";
  const [account] = (await findAccounts(page, "CHIC Castres Mazamet", `q=${encodeURIComponent(HOLDER)}`)).filter(
    (item) => item.email === HOLDER,
  );
  expect(account, HOLDER).toBeDefined();
  const holderAccount = account as AccountItem;
  const link = await mailedLink(page, "password-reset", holderAccount, RESET_SUBJECT);
  expect(link).toContain("/mot-de-passe/nouveau?jeton=");

  // the holder opens the mailed link in a browser of their own, signed out
  const holderContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const holder = await holderContext.newPage();
  await holder.goto(link);
  await expect(holder.getByRole("heading", { level: 1, name: "Choisir un nouveau mot de passe" })).toBeVisible();
  await expect(holder.getByText("Bonjour Loïc Azéma,")).toBeVisible();
  await expect(holder.getByText(`(${HOLDER})`)).toBeVisible();

  await holder.getByLabel("Nouveau mot de passe").fill(newPassword);
  await holder.getByLabel("Confirmation du mot de passe").fill(`${newPassword}!`);
  await holder.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(holder.getByText("Les deux mots de passe ne sont pas identiques")).toBeVisible();
  await expect(holder.getByLabel("Confirmation du mot de passe")).toBeFocused();
  await holder.getByLabel("Confirmation du mot de passe").fill(newPassword);
  await holder.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(holder.getByRole("heading", { level: 1, name: "Votre mot de passe est modifié" })).toBeVisible();

  await holder.getByRole("link", { name: "Se connecter" }).click();
  await expect(holder).toHaveURL(/\/connexion$/);
  await signInWithPassword(holder, HOLDER, newPassword);
  await expect(holder.getByRole("button", { name: /Loïc Azéma/ })).toBeVisible();

  // the link served once
  await holder.goto(link);
  await expect(holder.getByRole("heading", { level: 1, name: "Lien inutilisable" })).toBeVisible();
  await expect(holder.getByText("Ce lien a déjà servi")).toBeVisible();
  await holderContext.close();

  // the other specs sign in as this administrator with the demo password: a second link puts it back
  const again = await mailedLink(page, "password-reset", holderAccount, RESET_SUBJECT, link);
  const token = new URL(again).searchParams.get("jeton");
  const restored = await page.request.post("/api/registration/password", {
    headers: { "x-csrf-token": await csrfToken(page) },
    data: { token, password: DEMO_PASSWORD },
  });
  expect(restored.status()).toBe(204);
});

test("a reminder's link finishes a pre-registration", async ({ page, browser }) => {
  // a pre-registered account of the demo, away from the structures other specs change
  let holder: AccountItem | undefined;
  for (const structure of ["CH Ariège Couserans", "CHU de Toulouse — Site Rangueil", "CHU de Toulouse — Site Purpan"]) {
    holder ??= (await findAccounts(page, structure, "state=PREREGISTERED&limit=1"))[0];
  }
  expect(holder, "a pre-registered account in the demo").toBeDefined();
  const account = holder as AccountItem;
  const link = await mailedLink(page, "remind", account, "Rappel : finalisez votre inscription à Medimail");
  expect(link).toContain("/inscription/finaliser?jeton=");

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const visitor = await context.newPage();
  await visitor.goto(link);
  await expect(visitor.getByRole("heading", { level: 1, name: "Finaliser votre inscription" })).toBeVisible();
  await expect(visitor.getByText(`Bonjour ${account.firstName} ${account.lastName},`)).toBeVisible();
  // too short: the rule is said next to the field, which takes the focus
  await visitor.getByLabel("Nouveau mot de passe").fill("court");
  await visitor.getByLabel("Confirmation du mot de passe").fill("court");
  await visitor.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(visitor.getByText("12 caractères au moins", { exact: true })).toBeVisible();
  await expect(visitor.getByLabel("Nouveau mot de passe")).toBeFocused();
  await visitor.getByLabel("Nouveau mot de passe").fill("Une inscription enfin finalisée");
  await visitor.getByLabel("Confirmation du mot de passe").fill("Une inscription enfin finalisée");
  await visitor.keyboard.press("Enter");
  await expect(visitor.getByRole("heading", { level: 1, name: "Votre inscription est finalisée" })).toBeFocused();
  await expect(visitor.getByRole("link", { name: "Se connecter" })).toBeVisible();
  await context.close();
});
