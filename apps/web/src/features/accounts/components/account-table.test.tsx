import type { AccountListItem } from "@medimail/contracts/accounts";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderAt, searchOf, stubFetch } from "../../../test/render.tsx";
import { AccountTable } from "./account-table.tsx";

const STRUCTURE = "11111111-1111-4111-8111-111111111111";

const account = (n: number, changes: Partial<AccountListItem> = {}): AccountListItem => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  version: 1,
  email: `compte${n}@exemple.fr`,
  type: "PER",
  state: "VALIDATED",
  previousState: null,
  lastName: `Nom${n}`,
  firstName: `Prénom${n}`,
  profession: null,
  rpps: null,
  adeli: null,
  mssAddress: null,
  structureId: STRUCTURE,
  structureName: "Clinique",
  createdAt: "2026-03-01T10:00:00.000Z",
  lastReminderAt: null,
  rejectedAt: null,
  hasPendingEmailChange: false,
  ...changes,
});

const SEARCH = {
  q: "",
  state: null,
  type: null,
  daughters: false,
  sort: "name",
  order: "asc",
} as const;

/** The API: two pages (cursor "p2" leads to the second), or nothing at all when `empty`. */
function stubAccounts({ empty = false } = {}) {
  return stubFetch((_method, url) => {
    if (!url.pathname.endsWith("/accounts")) return undefined;
    if (empty) return { items: [], nextCursor: null };
    return url.searchParams.get("after") === "p2"
      ? { items: [account(3)], nextCursor: null }
      : { items: [account(1), account(2, { hasPendingEmailChange: true })], nextCursor: "p2" };
  });
}

describe("AccountTable", () => {
  it("announces the search while the first answer is awaited, then lists the accounts", async () => {
    stubAccounts();
    renderAt(<AccountTable structureId={STRUCTURE} editable={false} search={SEARCH} onSort={() => {}} />);
    expect(screen.getByRole("status").textContent).toBe("Recherche des comptes…");
    const table = await screen.findByRole("table", { name: "Comptes Medimail" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(screen.getByText("2 comptes sur cette page")).toBeTruthy();
    expect(screen.getByText("changement de mail en attente")).toBeTruthy();
    // read-only callers get a link to the account instead of actions
    expect(screen.getByRole("link", { name: "Consulter compte1@exemple.fr" })).toBeTruthy();
  });

  it("sends the criteria to the API unchanged", async () => {
    const calls = stubAccounts();
    renderAt(
      <AccountTable
        structureId={STRUCTURE}
        editable={false}
        search={{ ...SEARCH, q: " dupont ", state: "PREREGISTERED", daughters: true, sort: "createdAt", order: "desc" }}
        onSort={() => {}}
      />,
    );
    await screen.findByRole("table");
    expect(calls[0]?.pathname).toBe(`/api/structures/${STRUCTURE}/accounts`);
    expect(calls[0]?.search).toBe("?q=dupont&state=PREREGISTERED&daughters=true&sort=createdAt&order=desc&limit=50");
    // the structure column appears with the daughters
    expect(screen.getByRole("columnheader", { name: "Structure" })).toBeTruthy();
  });

  it("says why the list is empty: no account, or nothing matching the criteria", async () => {
    stubAccounts({ empty: true });
    const { unmount } = renderAt(
      <AccountTable structureId={STRUCTURE} editable={false} search={SEARCH} onSort={() => {}} />,
    );
    expect(await screen.findByText("Aucun compte")).toBeTruthy();
    expect(screen.getByText("Créez le premier utilisateur de la structure.")).toBeTruthy();
    unmount();
    renderAt(
      <AccountTable structureId={STRUCTURE} editable={false} search={{ ...SEARCH, q: "x" }} onSort={() => {}} />,
    );
    expect(await screen.findByText("Aucun compte ne correspond à ces critères")).toBeTruthy();
  });

  it("asks for the clicked column's sort and shows the current one", async () => {
    stubAccounts();
    const onSort = vi.fn();
    renderAt(<AccountTable structureId={STRUCTURE} editable={false} search={SEARCH} onSort={onSort} />);
    await screen.findByRole("table");
    expect(screen.getByRole("columnheader", { name: /Nom/ }).getAttribute("aria-sort")).toBe("ascending");
    fireEvent.click(screen.getByRole("button", { name: /Créé le/ }));
    expect(onSort).toHaveBeenCalledWith("createdAt");
  });

  it("pages through the URL: the next page's cursor goes to the API and back returns to the first page", async () => {
    const calls = stubAccounts();
    const { router } = renderAt(
      <AccountTable structureId={STRUCTURE} editable={false} search={SEARCH} onSort={() => {}} />,
      "/structures/s/utilisateurs?etat=VALIDATED",
    );
    await screen.findByText("compte1@exemple.fr");
    fireEvent.click(screen.getByRole("button", { name: "Page suivante" }));
    await screen.findByText("compte3@exemple.fr");
    expect(calls.at(-1)?.searchParams.get("after")).toBe("p2");
    expect(searchOf(router).get("apres")).toBe("p2");
    expect(searchOf(router).get("etat")).toBe("VALIDATED");
    await act(() => router.navigate(-1));
    await waitFor(() => expect(screen.getByText("compte1@exemple.fr")).toBeTruthy());
    expect(screen.getByRole("button", { name: "Page précédente" })).toHaveProperty("disabled", true);
  });
});
