import { JobRunsResponse } from "@medimail/contracts/jobs";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

export const listJobRuns = (name: string, signal?: AbortSignal) =>
  apiGet(`/jobs/${encodeURIComponent(name)}/runs`, JobRunsResponse, signal);

export const jobRunsQueryOptions = (name: string) =>
  queryOptions({ queryKey: ["jobs", name, "runs"], queryFn: ({ signal }) => listJobRuns(name, signal) });

export const useJobRuns = (name: string) => useQuery({ ...jobRunsQueryOptions(name), refetchInterval: 5000 });
