import { FeedReport } from "@medimail/contracts/feed-report";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

const scope = (daughters: boolean) => (daughters ? "?daughters=true" : "");

/** The feed report of the structure (with its daughters or not), computed on each request. */
export const useFeedReport = (structureId: string, daughters: boolean) =>
  useQuery({
    queryKey: ["structures", structureId, "feed-report", daughters],
    queryFn: ({ signal }) => apiGet(`/structures/${structureId}/feed-report${scope(daughters)}`, FeedReport, signal),
  });

/** The exports are plain links: the browser saves the streamed file. */
export const feedReportDownload = (structureId: string, daughters: boolean, format: "xlsx" | "pdf") =>
  `/api/structures/${structureId}/feed-report.${format}${scope(daughters)}`;
