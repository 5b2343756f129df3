import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, type RouteObject, RouterProvider } from "react-router";
import { vi } from "vitest";

/** A query client for one test: no retries, nothing shared with another test. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } } });
}

/**
 * Renders `element` at `url` inside a memory router (history included) and a fresh query client; answers the
 * router too, to read its location or go back and forth.
 */
export function renderAt(element: ReactNode, url = "/", { routes = [] as RouteObject[] } = {}) {
  const router = createMemoryRouter([{ path: "*", element }, ...routes], { initialEntries: [url] });
  const queryClient = testQueryClient();
  const view = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...view, router, queryClient };
}

/** The router's current search parameters. */
export const searchOf = (router: { state: { location: { search: string } } }) =>
  new URLSearchParams(router.state.location.search);

/** Answers fetch calls from a handler of (method, path with query); anything else is a 404. */
export function stubFetch(handler: (method: string, url: URL) => unknown | undefined) {
  const calls: URL[] = [];
  const fetchStub = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    calls.push(url);
    const body = handler(init?.method ?? "GET", url);
    if (body === undefined) {
      return new Response(
        JSON.stringify({ statusCode: 404, code: "NOT_FOUND", message: "Introuvable", requestId: "r" }),
        {
          status: 404,
          headers: { "content-type": "application/json" },
        },
      );
    }
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  vi.stubGlobal("fetch", fetchStub);
  return calls;
}
