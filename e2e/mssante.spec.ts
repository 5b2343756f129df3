import { expect, type Page, test } from "@playwright/test";

// As the operator (the setup project's session): correspondences of a structure with an MSSanté domain.
const STRUCTURE = "CHIC Castres Mazamet";
const DOMAIN = "chic-cm.mssante.fr";
const run = Date.now().toString(36);

async function api(page: Page, method: "GET" | "POST", path: string, data?: unknown) {
  const session = await (await page.request.get("/api/auth/session")).json();
  const response = await page.request.fetch(`/api${path}`, {
    method,
    headers: { "x-csrf-token": session.csrfToken },
    ...(data === undefined ? {} : { data }),
  });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
  return response.json();
}

const person = {
  profession: "10",
  regionCode: "76",
  phone: "",
  addressLine: "",
  postcode: "",
  city: "",
  unlisted: false,
  notifyOnReception: true,
  notifyDailyDigest: false,
  notifyOnOpening: false,
};

test("a PER correspondence with a wrong pattern is refused with the rule, then fixed; all compatible users are activated", async ({
  page,
}) => {
  await page.goto("/");
  const { items } = await api(page, "GET", "/structures");
  const structureId = items.find((item: { name: string }) => item.name === STRUCTURE).id as string;
  const lastName = `Mssnom${run}`;
  const perEmail = `per.${run}@chic-cm.fr`;
  await api(page, "POST", `/structures/${structureId}/accounts`, {
    ...person,
    type: "PER",
    email: perEmail,
    lastName,
    firstName: "Jeanne",
    nationalId: "10123456781",
    dematerialisation: false,
  });
  // two ORG mailboxes (validated at once) for the activation
  for (const service of [`Urgences${run}`, `Radiologie${run}`]) {
    await api(page, "POST", `/structures/${structureId}/accounts`, {
      ...person,
      type: "ORG",
      email: `${service.toLowerCase()}@chic-cm.fr`,
      lastName: service,
      firstName: "Secrétariat",
      finessSite: "810000547",
      connectionAccounts: [perEmail],
      responsible: { lastName: "Durand", firstName: "Anne", profession: "10", rpps: "10001234565" },
      description: `Secrétariat ${service}`,
    });
  }

  await page.goto(`/structures/${structureId}/mssante?onglet=NONE&q=${lastName}`);
  await expect(page.getByRole("heading", { name: "Informations MSSanté" })).toBeVisible();
  await page.getByRole("button", { name: `Créer la correspondance de ${perEmail}` }).click();
  const dialog = page.getByRole("dialog", { name: "Ajout d'une adresse MSSanté associée" });
  const prefix = dialog.getByLabel("Adresse email correspondance MSSanté");
  await expect(prefix).toHaveValue(`${lastName.toLowerCase()}.jeanne`); // proposed
  await prefix.fill("jeanne");
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(
    dialog.getByText(`Les comptes PER ont une adresse nominative : ${lastName.toLowerCase()}.jeanne@${DOMAIN}`),
  ).toBeVisible();
  await prefix.fill(`jeanne.${lastName.toLowerCase()}`);
  await dialog.getByRole("button", { name: "Enregistrer" }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole("tab", { name: /Personnel et personnel Interne/ }).click();
  const row = page.getByRole("row", { name: new RegExp(perEmail) });
  await expect(row).toContainText(`jeanne.${lastName.toLowerCase()}@${DOMAIN}`);
  await expect(row).toContainText("Publication cette nuit");

  // Non MSSanté: activate every compatible account
  await page.getByRole("tab", { name: /Non MSSanté/ }).click();
  await page.getByRole("button", { name: "Activer tous les utilisateurs compatibles" }).click();
  const activation = page.getByRole("dialog", { name: "Activer tous les utilisateurs compatibles" });
  await expect(activation.getByRole("cell", { name: `urgences${run}@${DOMAIN}` })).toBeVisible();
  await expect(activation.getByRole("cell", { name: `radiologie${run}@${DOMAIN}` })).toBeVisible();
  await activation.getByRole("button", { name: "Créer les correspondances" }).click();
  await expect(page.getByText(/Activation terminée : \d+ correspondances? créées?/)).toBeVisible({ timeout: 20_000 });

  await page.getByRole("tab", { name: /^Organisationnel/ }).click();
  await page.getByRole("searchbox", { name: "Recherche" }).fill(run);
  await page.getByRole("button", { name: "Rechercher" }).click();
  await expect(page.getByRole("cell", { name: `urgences${run}@${DOMAIN}` })).toBeVisible();
  await expect(page.getByRole("cell", { name: `radiologie${run}@${DOMAIN}` })).toBeVisible();
});
