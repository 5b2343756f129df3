import { act, fireEvent, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Pager } from "../components/ui/pager.tsx";
import { renderAt, searchOf } from "../test/render.tsx";
import { type CursorPagerOptions, useCursorPager, useUpdateSearchParams, withoutPaging } from "./use-cursor-pager.ts";

/** A list whose API answers, for each cursor, the next one (a three-page list: first → c1 → c2 → end). */
const NEXT: Record<string, string | null> = { "": "c1", c1: "c2", c2: null };

function PagedList({ options }: { options?: CursorPagerOptions }) {
  const pager = useCursorPager(options);
  const update = useUpdateSearchParams(options);
  return (
    <>
      <p data-testid="cursor">{pager.cursor ?? "première page"}</p>
      <Pager label="Pages" {...pager.controls(NEXT[pager.cursor ?? ""])} />
      <button type="button" onClick={() => update({ q: "dupont" })}>
        Chercher
      </button>
    </>
  );
}

const next = () => fireEvent.click(screen.getByRole("button", { name: "Page suivante" }));
const previous = () => fireEvent.click(screen.getByRole("button", { name: "Page précédente" }));
const shown = () => screen.getByTestId("cursor").textContent;

describe("useCursorPager", () => {
  it("starts on the first page: no cursor, no previous page", () => {
    renderAt(<PagedList />);
    expect(shown()).toBe("première page");
    expect(screen.getByRole("button", { name: "Page précédente" })).toHaveProperty("disabled", true);
    expect(screen.getByRole("button", { name: "Page suivante" })).toHaveProperty("disabled", false);
  });

  it("puts the next page's cursor and the pages before it in the URL", () => {
    const { router } = renderAt(<PagedList />, "/?q=x");
    next();
    expect(shown()).toBe("c1");
    expect(searchOf(router).get("apres")).toBe("c1");
    expect(searchOf(router).getAll("avant")).toEqual([""]);
    next();
    expect(shown()).toBe("c2");
    expect(searchOf(router).getAll("avant")).toEqual(["", "c1"]);
    // the list's criteria are left as they were
    expect(searchOf(router).get("q")).toBe("x");
  });

  it("disables Page suivante on the last page", () => {
    renderAt(<PagedList />, "/?apres=c2&avant=&avant=c1");
    expect(screen.getByRole("button", { name: "Page suivante" })).toHaveProperty("disabled", true);
  });

  it("goes back page by page with Page précédente, down to the first page", () => {
    const { router } = renderAt(<PagedList />);
    next();
    next();
    previous();
    expect(shown()).toBe("c1");
    expect(searchOf(router).getAll("avant")).toEqual([""]);
    previous();
    expect(shown()).toBe("première page");
    expect(searchOf(router).has("apres")).toBe(false);
    expect(searchOf(router).has("avant")).toBe(false);
  });

  it("keeps the page on a reload (the same URL renders the same page, and can still go back)", () => {
    renderAt(<PagedList />, "/?apres=c2&avant=&avant=c1");
    expect(shown()).toBe("c2");
    previous();
    expect(shown()).toBe("c1");
  });

  it("follows the browser's back and forward buttons (each page is a history entry)", async () => {
    const { router } = renderAt(<PagedList />);
    next();
    next();
    await act(() => router.navigate(-1));
    expect(shown()).toBe("c1");
    await act(() => router.navigate(-1));
    expect(shown()).toBe("première page");
    await act(() => router.navigate(1));
    expect(shown()).toBe("c1");
  });

  it("goes to the first page when a shared link has a cursor but no history", () => {
    renderAt(<PagedList />, "/?apres=c1");
    previous();
    expect(shown()).toBe("première page");
  });

  it("starts again from the first page when the criteria change", () => {
    const { router } = renderAt(<PagedList />, "/?tri=name&apres=c2&avant=&avant=c1");
    fireEvent.click(screen.getByRole("button", { name: "Chercher" }));
    expect(shown()).toBe("première page");
    expect(searchOf(router).toString()).toBe("tri=name&q=dupont");
  });

  it("can keep the cursor under another parameter name", () => {
    const { router } = renderAt(<PagedList options={{ param: "cursor" }} />);
    next();
    expect(searchOf(router).get("cursor")).toBe("c1");
    expect(searchOf(router).has("apres")).toBe(false);
  });
});

describe("withoutPaging", () => {
  it("removes the cursor and its history and nothing else", () => {
    const params = new URLSearchParams("q=a&apres=c1&avant=&etat=VALIDATED");
    expect(withoutPaging(params).toString()).toBe("q=a&etat=VALIDATED");
    expect(params.get("apres")).toBe("c1");
  });
});
