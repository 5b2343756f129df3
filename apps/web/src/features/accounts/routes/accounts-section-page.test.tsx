import type { StructureDetail } from "@medimail/contracts/structures";
import { QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen } from "@testing-library/react";
import { createMemoryRouter, Outlet, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import { searchOf, stubFetch, testQueryClient } from "../../../test/render.tsx";
import { AccountsSectionPage } from "./accounts-section-page.tsx";

const STRUCTURE = { id: "11111111-1111-4111-8111-111111111111", name: "Clinique" } as StructureDetail;
const ACCOUNT = {
  id: "00000000-0000-4000-8000-000000000001",
  version: 1,
  email: "dupont@exemple.fr",
  type: "PER",
  state: "VALIDATED",
  previousState: null,
  lastName: "Dupont",
  firstName: "Jeanne",
  profession: null,
  rpps: null,
  adeli: null,
  mssAddress: null,
  structureId: STRUCTURE.id,
  structureName: "Clinique",
  createdAt: "2026-03-01T10:00:00.000Z",
  lastReminderAt: null,
  rejectedAt: null,
  hasPendingEmailChange: false,
};
const COUNTS = { VALIDATED: 3, PENDING_VALIDATION: 1, PREREGISTERED: 0, REJECTED: 2, emailChanges: 4 };

/** The section inside its structure page (which hands the structure down), at `url`. */
function renderSection(url: string, { rows = false } = {}) {
  const calls = stubFetch((_method, requested) => {
    if (requested.pathname.endsWith("/accounts/counts")) return COUNTS;
    if (requested.pathname.endsWith("/accounts")) return { items: rows ? [ACCOUNT] : [], nextCursor: null };
    if (requested.pathname.endsWith("/email-changes")) return { items: [], nextCursor: null };
    return undefined; // the settings: read-only caller
  });
  const router = createMemoryRouter(
    [
      {
        path: "/structures/:structureId",
        element: <Outlet context={STRUCTURE} />,
        children: [{ path: "utilisateurs", element: <AccountsSectionPage /> }],
      },
    ],
    { initialEntries: [url] },
  );
  render(
    <QueryClientProvider client={testQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, calls };
}

describe("AccountsSectionPage", () => {
  it("selects the tab named by the URL and shows each state's count", async () => {
    renderSection("/structures/s/utilisateurs?etat=REJECTED");
    const rejected = await screen.findByRole("tab", { name: /Utilisateurs rejetés/ });
    expect(rejected.getAttribute("aria-selected")).toBe("true");
    expect(await screen.findByText("2")).toBeTruthy();
    expect(screen.getByRole("tab", { name: /Demandes de changement de mail/ }).textContent).toContain("4");
  });

  it("changing tab keeps the text, type and daughters criteria and starts from the first page", async () => {
    const { router } = renderSection("/structures/s/utilisateurs?q=dupont&type=PER&filles=1&tri=email&apres=c1&avant=");
    fireEvent.click(await screen.findByRole("tab", { name: /Utilisateurs à valider/ }));
    expect(searchOf(router).toString()).toBe("q=dupont&type=PER&filles=1&etat=PENDING_VALIDATION");
    fireEvent.click(screen.getByRole("tab", { name: /Demandes de changement de mail/ }));
    expect(searchOf(router).get("changements")).toBe("en-attente");
    expect(await screen.findByText("Aucune demande de changement de mail")).toBeTruthy();
  });

  it("a search puts its criteria in the URL and leaves the current page", async () => {
    const { router, calls } = renderSection("/structures/s/utilisateurs?apres=c1&avant=");
    fireEvent.change(await screen.findByLabelText("Recherche"), { target: { value: "  martin " } });
    fireEvent.change(screen.getByLabelText("Type d'utilisateur"), { target: { value: "ORG" } });
    fireEvent.change(screen.getByLabelText("État de l'utilisateur"), { target: { value: "VALIDATED" } });
    fireEvent.click(screen.getByRole("button", { name: "Rechercher" }));
    expect(searchOf(router).toString()).toBe("q=martin&type=ORG&etat=VALIDATED");
    await screen.findByText("Aucun compte ne correspond à ces critères");
    expect(calls.at(-1)?.searchParams.get("q")).toBe("martin");
    expect(calls.at(-1)?.searchParams.has("after")).toBe(false);
  });

  it("a click on the active sort column reverses its order, on another column sorts it ascending", async () => {
    const { router } = renderSection("/structures/s/utilisateurs?etat=VALIDATED&tri=name&ordre=asc&apres=c1&avant=", {
      rows: true,
    });
    fireEvent.click(await screen.findByRole("button", { name: /Nom/ }));
    expect(searchOf(router).toString()).toBe("etat=VALIDATED&tri=name&ordre=desc");
    fireEvent.click(await screen.findByRole("button", { name: /Mail/ }));
    expect(searchOf(router).toString()).toBe("etat=VALIDATED&tri=email&ordre=asc");
  });
});
