import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "Medimail-demo-2026";

const usedCodes = new Set<string>();

/**
 * The code of the newest sign-in mail caught for `email` after `since`, read from the development catcher
 * (a code already read by this run is skipped: each sign-in gets its own).
 */
export async function codeFromCatcher(page: Page, email: string, since: Date): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(
      async () => {
        const response = await page.request.get("/api/dev/mails");
        const { items } = (await response.json()) as {
          items: { to: string[]; subject: string; receivedAt: string }[];
        };
        const mail = items.find(
          (item) =>
            item.to.includes(email) &&
            new Date(item.receivedAt) >= since &&
            /code de connexion/.test(item.subject) &&
            !usedCodes.has(item.subject),
        );
        code = mail?.subject.match(/\b(\d{6})\b/)?.[1];
        if (mail && code) usedCodes.add(mail.subject);
        return code;
      },
      { timeout: 15_000, message: `a sign-in code mailed to ${email}` },
    )
    .toMatch(/^\d{6}$/);
  return code as string;
}

/** Email and password, then the code read from the caught mail: lands on the page the console opens next. */
export async function signInWithPassword(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  if (!page.url().includes("/connexion")) await page.goto("/connexion");
  const since = new Date();
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Code reçu par e-mail" })).toBeVisible();
  const code = await codeFromCatcher(page, email, since);
  await page.getByLabel("Code à 6 chiffres").fill(code);
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page).not.toHaveURL(/\/connexion/);
}
