import { StructureDetail } from "@medimail/contracts/structures";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

export const getStructure = (id: string, signal?: AbortSignal) =>
  apiGet(`/structures/${encodeURIComponent(id)}`, StructureDetail, signal);

export const structureQueryOptions = (id: string) =>
  queryOptions({ queryKey: ["structures", id], queryFn: ({ signal }) => getStructure(id, signal) });

export const useStructure = (id: string) => useQuery(structureQueryOptions(id));
