import { expect, type Page, test } from "@playwright/test";
import { signInWithPassword } from "./support/sign-in.ts";

// Two browsers signed in as the same user: from "Mon compte" in one, the other's session is ended.
test.use({ storageState: { cookies: [], origins: [] } });

const EMAIL = "admin.castres@chic-cm.fr";

/** Signs in from the sign-in page once it has settled (a form filled while the session loads is reset). */
async function signIn(page: Page) {
  await page.goto("/connexion");
  await page.waitForLoadState("networkidle");
  await signInWithPassword(page, EMAIL);
}

test("Mon compte lists my sessions and ends another browser's, one by one or all at once", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000); // four sign-ins, each waiting for its mailed code
  await signIn(page);
  // earlier specs may have left sessions of this user open (the lockout test signs in as him): start from this one
  await page.goto("/mon-compte");
  const sessions = page.getByRole("table", { name: "Mes sessions ouvertes" });
  await expect(sessions.getByRole("row").filter({ hasText: "Cette session" })).toHaveCount(1);
  const endOthers = page.getByRole("button", { name: "Terminer toutes les autres sessions" });
  if (await endOthers.isVisible()) {
    await endOthers.click();
    await page.getByRole("dialog").getByRole("button", { name: "Terminer les autres sessions" }).click();
    await expect(sessions.getByRole("row")).toHaveCount(2);
  }
  const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const otherPage = await other.newPage();
  await signIn(otherPage);

  await page.goto("/mon-compte");
  const table = page.getByRole("table", { name: "Mes sessions ouvertes" });
  await expect(table.getByRole("row")).toHaveCount(3); // header + both browsers
  await expect(table.getByRole("row").filter({ hasText: "Cette session" })).toHaveCount(1);
  await expect(table).toContainText("Chrome sur Windows"); // the "Desktop Chrome" device of the configuration
  await expect(table).toContainText("127.0.0.1");

  await table.getByRole("button", { name: /Terminer la session/ }).click();
  await expect(table.getByRole("row")).toHaveCount(2);
  await otherPage.goto("/structures");
  await expect(otherPage).toHaveURL(/\/connexion/);

  // signed in again there; "all the other sessions", after a confirmation
  await signIn(otherPage);
  await page.reload();
  await expect(table.getByRole("row")).toHaveCount(3);
  await page.getByRole("button", { name: "Terminer toutes les autres sessions" }).click();
  const dialog = page.getByRole("dialog", { name: "Terminer toutes les autres sessions ?" });
  await expect(dialog).toContainText("Cette session-ci reste ouverte.");
  await dialog.getByRole("button", { name: "Terminer les autres sessions" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 autre session a été terminée." })).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(2);
  await otherPage.goto("/structures");
  await expect(otherPage).toHaveURL(/\/connexion/);

  // this browser is still signed in
  await page.goto("/structures");
  await expect(page).not.toHaveURL(/\/connexion/);
  await other.close();
});
