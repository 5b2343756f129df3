import type { UseQueryResult } from "@tanstack/react-query";
import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../lib/api-client.ts";
import { EmptyState } from "./page-states.tsx";
import { QueryView } from "./query-view.tsx";

const query = (state: Partial<UseQueryResult<string[]>>) => state as UseQueryResult<string[]>;

const view = (state: Partial<UseQueryResult<string[]>>) => (
  <QueryView
    query={query(state)}
    loadingLabel="Chargement des comptes…"
    isEmpty={(items) => items.length === 0}
    empty={<EmptyState title="Aucun compte" />}
  >
    {(items) => (
      <ul>
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    )}
  </QueryView>
);

describe("QueryView", () => {
  it("announces the loading", () => {
    render(view({ isPending: true }));
    expect(screen.getByRole("status").textContent).toBe("Chargement des comptes…");
  });

  it("shows the API's message and request id, and retries on demand", () => {
    const refetch = vi.fn();
    const error = new ApiError({
      statusCode: 500,
      code: "INTERNAL_ERROR",
      message: "Erreur du serveur",
      requestId: "req-7",
    });
    render(view({ isPending: false, isError: true, error, refetch } as Partial<UseQueryResult<string[]>>));
    expect(screen.getByRole("alert").textContent).toContain("Erreur du serveur");
    expect(screen.getByRole("alert").textContent).toContain("req-7");
    fireEvent.click(screen.getByRole("button", { name: "Réessayer" }));
    expect(refetch).toHaveBeenCalledOnce();
  });

  it("shows the empty state when the answer has nothing", () => {
    render(view({ isPending: false, isError: false, data: [] }));
    expect(screen.getByText("Aucun compte")).toBeTruthy();
    expect(screen.queryByRole("list")).toBeNull();
  });

  it("renders the data", () => {
    render(view({ isPending: false, isError: false, data: ["Dupont", "Martin"] }));
    expect(screen.getAllByRole("listitem").map((item) => item.textContent)).toEqual(["Dupont", "Martin"]);
  });
});
