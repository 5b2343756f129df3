import { expect, test } from "@playwright/test";
import { codeFromCatcher, DEMO_PASSWORD, signInWithPassword } from "./support/sign-in.ts";

// These specs test signing in: they start from a browser without a session.
test.use({ storageState: { cookies: [], origins: [] } });

test("a structure administrator signs in with password and emailed code, sees only his scope, and logs out", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.getByRole("heading", { level: 1, name: "Se connecter" })).toBeVisible();

  // empty fields are reported next to each field, in French
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page.getByText("Saisissez votre adresse e-mail")).toBeVisible();
  await expect(page.getByText("Saisissez votre mot de passe")).toBeVisible();

  // a wrong password: one message that does not say which of the two is wrong
  await page.getByLabel("Adresse e-mail").fill("admin.ght31@ght31.fr");
  await page.getByLabel("Mot de passe").fill("pas-le-bon");
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Adresse e-mail ou mot de passe incorrect.");

  await signInWithPassword(page, "admin.ght31@ght31.fr");
  const table = page.getByRole("table", { name: "Structures de votre périmètre" });
  await expect(table.getByRole("row")).toHaveCount(4); // header + the GHT and its two sites
  await expect(table).toContainText("GHT Haute-Garonne Tarn-Ouest");
  await expect(table).not.toContainText("CHIC Castres Mazamet");
  await expect(page.getByRole("link", { name: "Tâches planifiées" })).toHaveCount(0);

  const menu = page.getByRole("button", { name: /Hélène Castaing/ });
  await expect(menu).toContainText("Administrateur de structure");
  await menu.click();
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await page.goto("/journal");
  await expect(page).toHaveURL(/\/connexion\?retour=%2Fjournal$/);
});

test("five wrong codes invalidate the emailed code", async ({ page }) => {
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill("admin.castres@chic-cm.fr");
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  const since = new Date();
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  const code = await codeFromCatcher(page, "admin.castres@chic-cm.fr", since);
  const wrong = code === "000000" ? "111111" : "000000";
  for (let i = 1; i <= 4; i++) {
    await page.getByLabel("Code à 6 chiffres").fill(wrong);
    await page.getByRole("button", { name: "Valider" }).click();
    await expect(page.getByRole("alert")).toContainText(`Il vous reste ${5 - i} essai`);
  }
  await page.getByLabel("Code à 6 chiffres").fill(wrong);
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.getByRole("alert")).toHaveText("Code invalidé après 5 essais : recommencez la connexion.");
  await expect(page.getByLabel("Code à 6 chiffres")).toBeDisabled();
  await page.getByRole("button", { name: "Recommencer la connexion" }).click();
  await expect(page.getByLabel("Mot de passe")).toBeVisible();
});

test("signs in with Pro Santé Connect (local provider) for an account whose identity is linked", async ({
  page,
  browser,
}) => {
  await page.goto("/connexion");
  await page.getByRole("link", { name: "Se connecter avec Pro Santé Connect" }).click();
  await expect(page.getByRole("heading", { name: /Pro Santé Connect/ })).toBeVisible();
  await page.getByLabel("Identifiant national (RPPS)").fill("10003456786");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sélectionner la structure à administrer" })).toBeVisible();
  await expect(page.getByRole("button", { name: /Hélène Castaing/ })).toBeVisible();

  // an identity linked to no account is refused with an explanation (a new browser: the provider, like the
  // real PSC, would otherwise remember who signed in there)
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto("/connexion");
  await stranger.getByRole("link", { name: "Se connecter avec Pro Santé Connect" }).click();
  await stranger.getByLabel("Identifiant national (RPPS)").fill("19999999999");
  await stranger.getByRole("button", { name: "Se connecter" }).click();
  await expect(stranger.getByRole("alert")).toContainText("n'est liée à aucun compte administrateur");
  await stranger.context().close();
});

test("a code-only sign-in asks for the authenticator app too; then an expired session sends back to the login page and then to the same page", async ({
  page,
  context,
}) => {
  test.setTimeout(90_000); // two sign-ins and a code-only attempt on a busy machine
  await page.goto("/connexion");
  await page.getByRole("button", { name: "S'identifier avec un code à usage unique" }).click();
  await page.getByLabel("Adresse e-mail").fill("support@esante-occitanie.fr");
  await page.getByRole("button", { name: "Recevoir un code" }).click();
  // the mailed code never opens the console alone: this account has no app, so it gets a notice, not a code
  await page.getByLabel("Code reçu par e-mail").fill("123456");
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.getByText("Saisissez le code de votre application")).toBeVisible();
  await page.getByLabel("Code de l'application d'authentification (ou code de secours)").fill("654321");
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.getByRole("alert")).toContainText("Code incorrect");
  await page.getByRole("button", { name: "Recommencer avec une autre adresse" }).click();
  await signInWithPassword(page, "support@esante-occitanie.fr");
  await expect(page.getByRole("button", { name: /Support \(lecture seule\)/ })).toBeVisible();

  // the session ends on the server side (here: its cookie is gone); the next request brings the login page. The
  // home page's own requests are let finish first: one still in flight would bring the login page back to "/".
  await page.waitForLoadState("networkidle");
  await context.clearCookies();
  await page.getByRole("link", { name: "Journal d'audit" }).click();
  await expect(page).toHaveURL(/\/connexion\?retour=%2Fjournal&expiree=1$/);
  await expect(page.getByText("Votre session a expiré")).toBeVisible();
  await signInWithPassword(page, "support@esante-occitanie.fr");
  await expect(page).toHaveURL(/\/journal$/);
  await expect(page.getByRole("heading", { level: 1, name: "Journal d'audit" })).toBeVisible();
});

test("wrong passwords suspend an address for a minute, the login page says so, and an operator lifts it", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000); // eleven password hashes, then a sign-in
  const email = "admin.castres@chic-cm.fr";
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill(email);
  for (let i = 0; i < 10; i++) {
    await page.getByLabel("Mot de passe").fill(`pas-le-bon-${i}`);
    await page.getByRole("button", { name: "Se connecter", exact: true }).click();
    await expect(page.getByRole("alert")).toHaveText("Adresse e-mail ou mot de passe incorrect.");
    // the same alert is shown again: wait for the answer to this very click
    await expect(page.getByRole("button", { name: "Se connecter", exact: true })).toBeEnabled();
  }
  // locked: even the right password is refused for now, and the page says how long and what to do
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText(
    "la connexion par mot de passe est suspendue pendant encore 1 minute",
  );
  await expect(page.getByRole("alert")).toContainText("demandez un lien de réinitialisation");

  // the operator sees it in Comptes verrouillés and lifts it (other specs sign in with this account)
  const operatorContext = await browser.newContext({ storageState: "e2e/.auth/operator.json" });
  const operator = await operatorContext.newPage();
  await operator.goto("/operations/comptes-verrouilles");
  const row = operator.getByRole("row", { name: new RegExp(email) });
  await expect(row).toBeVisible({ timeout: 20_000 }); // the list loads slowly on a busy machine
  await row.getByRole("button", { name: `Déverrouiller ${email}` }).click();
  await row.getByRole("button", { name: "Confirmer" }).click();
  await expect(operator.getByRole("status")).toHaveText(`Le compte ${email} est déverrouillé.`);
  await operatorContext.close();

  await signInWithPassword(page, email);
  await expect(page.getByRole("button", { name: /Loïc Azéma/ })).toBeVisible();
});
