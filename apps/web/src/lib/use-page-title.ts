import { useEffect } from "react";

/** Each page has its own title (RGAA 8.6): read first by screen readers when the route changes. */
export function usePageTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} — Medimail Admin`;
  }, [title]);
}
