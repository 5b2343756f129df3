import { AuditPage } from "@medimail/contracts/audit";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

export interface AuditFilters {
  structureId?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

export function auditSearch(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return params.toString();
}

export const useAuditPage = (filters: AuditFilters) =>
  useQuery({
    queryKey: ["audit", filters],
    queryFn: ({ signal }) => apiGet(`/audit?${auditSearch({ ...filters })}&limit=50`, AuditPage, signal),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
