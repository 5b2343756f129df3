import {
  ActivityExportList,
  type ActivityExportRequest,
  ActivityExportView,
  ActivitySearchResponse,
  type MessageDirection,
} from "@medimail/contracts/activity";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { apiGet, apiSend } from "../../../lib/api-client.ts";

/** The criteria of the section, as kept in the URL. */
export interface ActivityCriteriaParams {
  address: string;
  from: string;
  to: string;
  direction: MessageDirection | null;
  daughters: boolean;
}

const activityKey = (structureId: string) => ["structures", structureId, "activity"] as const;

function criteriaQuery(criteria: ActivityCriteriaParams): string {
  const query = new URLSearchParams();
  if (criteria.address.trim()) query.set("address", criteria.address.trim());
  if (criteria.from) query.set("from", criteria.from);
  if (criteria.to) query.set("to", criteria.to);
  if (criteria.direction) query.set("direction", criteria.direction);
  if (criteria.daughters) query.set("daughters", "true");
  return query.toString();
}

export const useActivitySearch = (structureId: string, criteria: ActivityCriteriaParams) =>
  useQuery({
    queryKey: [...activityKey(structureId), "search", criteria],
    queryFn: ({ signal }) =>
      apiGet(`/structures/${structureId}/activity?${criteriaQuery(criteria)}`, ActivitySearchResponse, signal),
    placeholderData: keepPreviousData,
  });

/** The export history; polled every 2 s while an export waits or runs, so its progress shows. */
export const useActivityExports = (structureId: string) =>
  useQuery({
    queryKey: [...activityKey(structureId), "exports"],
    queryFn: ({ signal }) => apiGet(`/structures/${structureId}/activity/exports`, ActivityExportList, signal),
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => item.status === "PENDING" || item.status === "RUNNING") ? 2000 : false,
  });

export const useRequestActivityExport = (structureId: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof ActivityExportRequest>) =>
      apiSend("POST", `/structures/${structureId}/activity/exports`, ActivityExportView, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [...activityKey(structureId), "exports"] }),
  });
};

/** Where the browser downloads a finished export's file. */
export const exportFileUrl = (exportId: string) => `/api/activity/exports/${exportId}/file`;
