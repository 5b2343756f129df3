import { expect, type Page, test } from "@playwright/test";

// The cancel link mailed to the old address of an email change: the holder, signed out, cancels the change once.

interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
}

async function csrfToken(page: Page): Promise<string> {
  return ((await (await page.request.get("/api/auth/session")).json()) as { csrfToken: string }).csrfToken;
}

test("the old address cancels an email change through its mailed link, once", async ({ page, browser }) => {
  // two browsers and a mail through the catcher: more than the default on a loaded machine
  test.setTimeout(90_000);
  // as the demo operator: any account of the demo, and a change of its address
  const { items: structures } = (await (await page.request.get("/api/structures")).json()) as {
    items: { id: string; name: string }[];
  };
  const structure = structures.find((item) => item.name === "CHIC Castres Mazamet");
  expect(structure).toBeDefined();
  const { items: accounts } = (await (
    await page.request.get(`/api/structures/${structure?.id}/accounts?state=VALIDATED&limit=50`)
  ).json()) as { items: { id: string; email: string; hasPendingEmailChange: boolean }[] };
  const holder = accounts.find((item) => !item.hasPendingEmailChange && !item.email.startsWith("admin"));
  expect(holder, "a validated account without a pending change").toBeDefined();
  const since = new Date();
  const newEmail = `nouvelle.adresse.${Date.now()}@exemple.fr`;
  const requested = await page.request.post(`/api/accounts/${holder?.id}/email-change`, {
    headers: { "x-csrf-token": await csrfToken(page) },
    data: { newEmail },
  });
  expect(requested.status()).toBe(201);

  let notice: CaughtMail | undefined;
  await expect
    .poll(
      async () => {
        const { items } = (await (await page.request.get("/api/dev/mails")).json()) as { items: CaughtMail[] };
        notice = items.find(
          (mail) =>
            new Date(mail.receivedAt) >= since &&
            mail.to.includes(holder?.email ?? "") &&
            mail.subject === "Changement de votre identifiant Medimail demandé",
        );
        return Boolean(notice);
      },
      { timeout: 15_000, message: "the notice to the old address" },
    )
    .toBe(true);
  const link = notice?.text.match(/https?:\/\/\S+\/changement-adresse\/annuler\?jeton=\S+/)?.[0];
  expect(link, "a cancel link in the mail").toBeDefined();

  const holderContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const holderPage = await holderContext.newPage();
  await holderPage.goto(link as string);
  await expect(
    holderPage.getByRole("heading", { level: 1, name: "Annuler le changement de votre identifiant" }),
  ).toBeVisible();
  await holderPage.getByRole("button", { name: "Annuler le changement d'adresse" }).click();
  await expect(holderPage.getByRole("heading", { level: 1, name: "Changement d'adresse annulé" })).toBeVisible();
  await expect(holderPage.getByText(holder?.email ?? "")).toBeVisible();

  // the link served once
  await holderPage.goto(link as string);
  await holderPage.getByRole("button", { name: "Annuler le changement d'adresse" }).click();
  await expect(holderPage.getByRole("alert")).toContainText("Ce lien d'annulation n'est plus valable");
  await holderContext.close();

  const detail = (await (await page.request.get(`/api/accounts/${holder?.id}`)).json()) as {
    pendingEmailChange: unknown;
  };
  expect(detail.pendingEmailChange).toBeNull();
});
