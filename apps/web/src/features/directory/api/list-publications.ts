import { DirectoryPublicationsResponse } from "@medimail/contracts/directory";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

/** The recent nightly publications; refreshed every 5 s while one is running. */
export const usePublications = () =>
  useQuery({
    queryKey: ["directory", "publications"],
    queryFn: ({ signal }) => apiGet("/directory/publications", DirectoryPublicationsResponse, signal),
    refetchInterval: (query) => (query.state.data?.items.some((run) => run.status === "RUNNING") ? 5000 : 60_000),
  });
