import { createHmac } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { DEMO_PASSWORD, signInWithPassword } from "./support/sign-in.ts";

// An authenticator app enrolled from "Mon compte", then guessed at from the same session: the session ends at the
// 5th wrong code. The account is put back as it was (app turned off) for the specs that sign in with it.
test.use({ storageState: { cookies: [], origins: [] } });

const EMAIL = "support@esante-occitanie.fr";

/** RFC 6238 code of a base32 seed (SHA-1, 30 s, 6 digits), `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secret.replace(/=+$/, "").toUpperCase())
    bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const hmac = createHmac("sha1", key).update(counter).digest();
  const at = (hmac[hmac.length - 1] as number) & 0xf;
  return String((hmac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

async function signInWithApp(page: Page, secret: string, offset: number) {
  await page.goto("/connexion");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Adresse e-mail").fill(EMAIL);
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByLabel("Code de l'application ou code de secours").fill(totp(secret, offset));
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page).not.toHaveURL(/\/connexion/);
}

test("guessing the app's code from Mon compte ends the session at the 5th wrong code", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/connexion");
  await page.waitForLoadState("networkidle");
  await signInWithPassword(page, EMAIL);
  await page.goto("/mon-compte");
  await page.getByRole("button", { name: "Activer une application d'authentification" }).click();
  const secret = (await page.locator("code").first().textContent())?.trim() ?? "";
  expect(secret).toMatch(/^[A-Z2-7]+=*$/);
  await page.getByLabel("Code affiché par l'application").fill(totp(secret, -1));
  await page.getByRole("button", { name: "Activer", exact: true }).click();
  await expect(page.getByRole("list", { name: "Codes de secours" }).getByRole("listitem")).toHaveCount(10);

  // an attacker with this session guesses the code that turns the app off
  const valid = new Set([-1, 0, 1].map((offset) => totp(secret, offset)));
  const wrong = ["111111", "222222", "333333", "444444", "555555"].filter((code) => !valid.has(code));
  await page.getByRole("button", { name: "Désactiver l'application" }).click();
  for (let attempt = 1; attempt <= 4; attempt++) {
    await page.getByLabel("Code de l'application").fill(wrong[attempt % wrong.length] as string);
    await page.getByRole("button", { name: "Désactiver", exact: true }).click();
    await expect(page.getByText(`Il vous reste ${5 - attempt} essai`)).toBeVisible();
  }
  await page.getByLabel("Code de l'application").fill(wrong[0] as string);
  await page.getByRole("button", { name: "Désactiver", exact: true }).click();
  await expect(page).toHaveURL(/\/connexion/);

  // the owner signs in with the app and turns it off (the account as the other specs expect it)
  await signInWithApp(page, secret, 0);
  await page.goto("/mon-compte");
  await page.getByRole("button", { name: "Désactiver l'application" }).click();
  await page.getByLabel("Code de l'application").fill(totp(secret, 1));
  await page.getByRole("button", { name: "Désactiver", exact: true }).click();
  await expect(page.getByRole("button", { name: "Activer une application d'authentification" })).toBeVisible();
});
