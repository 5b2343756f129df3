import { StructureOverview } from "@medimail/contracts/structure-overview";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

export const useStructureOverview = (id: string) =>
  useQuery({
    queryKey: ["structures", id, "overview"],
    queryFn: ({ signal }) => apiGet(`/structures/${id}/overview`, StructureOverview, signal),
  });
