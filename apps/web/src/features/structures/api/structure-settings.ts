import { CommuneSearchResponse } from "@medimail/contracts/geo";
import {
  AdminCandidatesResponse,
  CreatedStructure,
  type CreateStructureRequest,
  type EnrolmentRuleInput,
  EnrolmentRulesResponse,
  StructureAdminsResponse,
  type StructureIdentityInput,
  type StructureLocationInput,
  type StructureMssanteInput,
  type StructureNotificationsInput,
} from "@medimail/contracts/structure-settings";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiGet, apiSend } from "../../../lib/api-client.ts";

const adminsKey = (id: string) => ["structures", id, "admins"] as const;

/** After a save: the settings, the picker and the structure's header show the new values. */
function useSettingsMutation<T, R>(mutationFn: (body: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["structures"] }),
  });
}

export const useSaveIdentity = (id: string) =>
  useSettingsMutation((body: StructureIdentityInput) => apiSend("PUT", `/structures/${id}/identity`, z.null(), body));

export const useSaveMssante = (id: string) =>
  useSettingsMutation((body: StructureMssanteInput) => apiSend("PUT", `/structures/${id}/mssante`, z.null(), body));

export const useStructureAdmins = (id: string) =>
  useQuery({
    queryKey: adminsKey(id),
    queryFn: ({ signal }) => apiGet(`/structures/${id}/admins`, StructureAdminsResponse, signal),
  });

export const useAdminCandidates = (id: string, q: string, page: number) =>
  useQuery({
    queryKey: ["structures", id, "admin-candidates", q, page],
    queryFn: ({ signal }) =>
      apiGet(
        `/structures/${id}/admin-candidates?q=${encodeURIComponent(q)}&page=${page}`,
        AdminCandidatesResponse,
        signal,
      ),
    enabled: q.trim().length >= 2,
    placeholderData: keepPreviousData,
  });

export const useAddAdmin = (id: string) =>
  useSettingsMutation((accountId: string) => apiSend("POST", `/structures/${id}/admins`, z.null(), { accountId }));

export const useRemoveAdmin = (id: string) =>
  useSettingsMutation((accountId: string) => apiSend("DELETE", `/structures/${id}/admins/${accountId}`, z.null()));

export const useCreateStructure = () =>
  useSettingsMutation((body: CreateStructureRequest) => apiSend("POST", "/structures", CreatedStructure, body));

export const useMoveStructure = (id: string) =>
  useSettingsMutation((parentId: string | null) => apiSend("PUT", `/structures/${id}/parent`, z.null(), { parentId }));

export const useSaveNotifications = (id: string) =>
  useSettingsMutation((body: StructureNotificationsInput) =>
    apiSend("PUT", `/structures/${id}/notifications`, z.null(), body),
  );

export const useSaveOffice365 = (id: string) =>
  useSettingsMutation((office365Quota: number) =>
    apiSend("PUT", `/structures/${id}/office365`, z.null(), { office365Quota }),
  );

export const useEnrolmentRules = (id: string) =>
  useQuery({
    queryKey: ["structures", id, "enrolment-rules"],
    queryFn: ({ signal }) => apiGet(`/structures/${id}/enrolment-rules`, EnrolmentRulesResponse, signal),
  });

export const useAddEnrolmentRule = (id: string) =>
  useSettingsMutation((body: EnrolmentRuleInput) =>
    apiSend("POST", `/structures/${id}/enrolment-rules`, z.object({ id: z.string() }), body),
  );

export const useRemoveEnrolmentRule = (id: string) =>
  useSettingsMutation((ruleId: string) => apiSend("DELETE", `/structures/${id}/enrolment-rules/${ruleId}`, z.null()));

export const useCommunes = (query: string) =>
  useQuery({
    queryKey: ["communes", query],
    queryFn: ({ signal }) => apiGet(`/communes?q=${encodeURIComponent(query)}`, CommuneSearchResponse, signal),
    enabled: query.trim().length >= 2,
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useSaveLocation = (id: string) =>
  useSettingsMutation((body: StructureLocationInput) => apiSend("PUT", `/structures/${id}/location`, z.null(), body));
