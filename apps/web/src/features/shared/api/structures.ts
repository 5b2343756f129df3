import { StructureSettings } from "@medimail/contracts/structure-settings";
import { StructureListResponse } from "@medimail/contracts/structures";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiGet } from "../../../lib/api-client.ts";

export const listStructures = (signal?: AbortSignal) => apiGet("/structures", StructureListResponse, signal);

export const structuresQueryOptions = () =>
  queryOptions({ queryKey: ["structures"], queryFn: ({ signal }) => listStructures(signal) });

export const useStructures = () => useQuery(structuresQueryOptions());

/** A structure's settings, with what the caller may do there (`permissions.administer`). */
export const useStructureSettings = (id: string) =>
  useQuery({
    queryKey: ["structures", id, "settings"],
    queryFn: ({ signal }) => apiGet(`/structures/${id}/settings`, StructureSettings, signal),
  });
