import { useQuery } from "@tanstack/react-query";

/** Whether this server keeps mails (development catcher): the menu shows the page only then. */
export const useDevMailsAvailable = () =>
  useQuery({
    queryKey: ["dev-mails", "available"],
    queryFn: async () => (await fetch("/api/dev/mails", { method: "HEAD" })).ok,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
