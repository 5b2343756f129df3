import {
  MssActivation,
  MssActivationPreview,
  MssListResponse,
  MssOverview,
  type MssTab,
} from "@medimail/contracts/mssante";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { apiGet, apiSend } from "../../../lib/api-client.ts";
import { useMssMutation } from "../../shared/api/mss-address.ts";

export const useMssOverview = (structureId: string) =>
  useQuery({
    queryKey: ["structures", structureId, "mssante", "overview"],
    queryFn: ({ signal }) => apiGet(`/structures/${structureId}/mssante`, MssOverview, signal),
  });

export interface MssListParams {
  tab: MssTab;
  q: string;
  daughters: boolean;
  after: string | null;
}

export const useMssList = (structureId: string, params: MssListParams) =>
  useQuery({
    queryKey: ["structures", structureId, "mssante", "list", params],
    queryFn: ({ signal }) => {
      const query = new URLSearchParams({ tab: params.tab, limit: "50" });
      if (params.q.trim()) query.set("q", params.q.trim());
      if (params.daughters) query.set("daughters", "true");
      if (params.after) query.set("after", params.after);
      return apiGet(`/structures/${structureId}/mssante/accounts?${query}`, MssListResponse, signal);
    },
    placeholderData: keepPreviousData,
  });

export const useDeleteMssAddress = () =>
  useMssMutation((accountId: string) => apiSend("DELETE", `/accounts/${accountId}/mss-address`, z.null()));

export const useActivationPreview = (structureId: string) =>
  useMutation({
    mutationFn: (daughters: boolean) =>
      apiSend("POST", `/structures/${structureId}/mssante/activations/preview`, MssActivationPreview, { daughters }),
  });

export const useStartActivation = (structureId: string) =>
  useMssMutation((daughters: boolean) =>
    apiSend("POST", `/structures/${structureId}/mssante/activations`, z.object({ id: z.string() }), { daughters }),
  );

/** Polled while the job runs. */
export const useActivation = (structureId: string, activationId: string | null) =>
  useQuery({
    queryKey: ["structures", structureId, "mssante", "activation", activationId],
    queryFn: ({ signal }) =>
      apiGet(`/structures/${structureId}/mssante/activations/${activationId}`, MssActivation, signal),
    enabled: activationId !== null,
    refetchInterval: (query) =>
      query.state.data && (query.state.data.status === "DONE" || query.state.data.status === "FAILED") ? false : 1000,
  });
