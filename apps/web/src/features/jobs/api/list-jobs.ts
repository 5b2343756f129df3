import { JobListResponse } from "@medimail/contracts/jobs";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

export const listJobs = (signal?: AbortSignal) => apiGet("/jobs", JobListResponse, signal);

export const jobsQueryOptions = () => queryOptions({ queryKey: ["jobs"], queryFn: ({ signal }) => listJobs(signal) });

/** Refreshes every 3 s while a run is waiting or running, so the operator sees it finish. */
export const useJobs = () =>
  useQuery({
    ...jobsQueryOptions(),
    refetchInterval: (query) =>
      query.state.data?.items.some((job) => job.lastRun && ["PENDING", "RUNNING"].includes(job.lastRun.status))
        ? 3000
        : 30_000,
  });
