import { CaughtMailListResponse } from "@medimail/contracts/dev-mails";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

export const listCaughtMails = (signal?: AbortSignal) => apiGet("/dev/mails", CaughtMailListResponse, signal);

export const useCaughtMails = () =>
  useQuery({ queryKey: ["dev-mails"], queryFn: ({ signal }) => listCaughtMails(signal), refetchInterval: 3000 });
