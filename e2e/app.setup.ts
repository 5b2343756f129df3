import { expect, test as setup } from "@playwright/test";
import { signInWithPassword } from "./support/sign-in.ts";

export const OPERATOR_STATE = "e2e/.auth/operator.json";

// Runs before the specs: the console is up with its demo data, and the operator signs in once (password and
// the code read from the caught mail); the specs start from that signed-in browser state.
setup("the console is ready and the operator signs in", async ({ page, request }) => {
  const ready = await request.get("/ready");
  expect(ready.ok()).toBe(true);
  await page.goto("/");
  await expect(page).toHaveURL(/\/connexion$/);
  await signInWithPassword(page, "operateur@esante-occitanie.fr");
  await expect(page.getByRole("heading", { level: 1, name: "Sélectionner la structure à administrer" })).toBeVisible();
  await page.context().storageState({ path: OPERATOR_STATE });
});
