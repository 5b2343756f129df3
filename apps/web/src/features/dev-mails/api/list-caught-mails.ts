import { CaughtMailListResponse } from "@medimail/contracts/dev-mails";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

export const listCaughtMails = (signal?: AbortSignal) => apiGet("/dev/mails", CaughtMailListResponse, signal);

export const useCaughtMails = () =>
  useQuery({ queryKey: ["dev-mails"], queryFn: ({ signal }) => listCaughtMails(signal), refetchInterval: 3000 });

/** Whether this server keeps mails (development catcher): the menu shows the page only then. */
export const useDevMailsAvailable = () =>
  useQuery({
    queryKey: ["dev-mails", "available"],
    queryFn: async () => (await fetch("/api/dev/mails", { method: "HEAD" })).ok,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
