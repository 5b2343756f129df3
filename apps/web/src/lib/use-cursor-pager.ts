import { useSearchParams } from "react-router";

/** The URL parameter holding the current page's cursor (absent on the first page). */
export const PAGE_PARAM = "apres";
/** The URL parameter repeated with the cursors of the pages before this one ("" for the first page). */
export const PAGE_HISTORY_PARAM = "avant";

export interface CursorPagerOptions {
  /** the URL parameter of the current cursor (default `apres`) */
  param?: string;
  /** the URL parameter listing the previous pages' cursors (default `avant`) */
  historyParam?: string;
}

export interface CursorPager {
  /** the cursor to send to the API for this page; null on the first page */
  cursor: string | null;
  /** the Pager's buttons for a page the API answered with `nextCursor` (null when there is no next page) */
  controls(nextCursor: string | null | undefined): { onPrevious: (() => void) | null; onNext: (() => void) | null };
}

/**
 * Keyset paging kept in the URL: the current cursor and the cursors of the pages before it are search parameters,
 * so back/forward and a reload keep the page, and "Page précédente" needs no memory of its own. Each page is a new
 * history entry. The other search parameters (the list's criteria) are left as they are.
 */
export function useCursorPager({
  param = PAGE_PARAM,
  historyParam = PAGE_HISTORY_PARAM,
}: CursorPagerOptions = {}): CursorPager {
  const [params, setParams] = useSearchParams();
  const cursor = params.get(param) || null;

  const goTo = (move: (history: string[], current: string | null) => { cursor: string | null; history: string[] }) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      const target = move(next.getAll(historyParam), next.get(param) || null);
      next.delete(param);
      next.delete(historyParam);
      if (target.cursor) next.set(param, target.cursor);
      for (const value of target.history) next.append(historyParam, value);
      return next;
    });

  return {
    cursor,
    controls: (nextCursor) => ({
      onPrevious: cursor
        ? () => goTo((history) => ({ cursor: history.at(-1) || null, history: history.slice(0, -1) }))
        : null,
      onNext: nextCursor
        ? () => goTo((history, current) => ({ cursor: nextCursor, history: [...history, current ?? ""] }))
        : null,
    }),
  };
}

/** A copy of the search parameters without the paging: a change of criteria starts again from the first page. */
export function withoutPaging(
  params: URLSearchParams,
  { param = PAGE_PARAM, historyParam = PAGE_HISTORY_PARAM }: CursorPagerOptions = {},
): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete(param);
  next.delete(historyParam);
  return next;
}

/**
 * Changes some of the URL's criteria (null or "" removes one) and goes back to the first page: the list's state
 * lives in the URL, so a search can be shared and survives a reload.
 */
export function useUpdateSearchParams(options?: CursorPagerOptions): (changes: Record<string, string | null>) => void {
  const [, setParams] = useSearchParams();
  return (changes) =>
    setParams((previous) => {
      const next = withoutPaging(previous, options);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === "") next.delete(key);
        else next.set(key, value);
      }
      return next;
    });
}
