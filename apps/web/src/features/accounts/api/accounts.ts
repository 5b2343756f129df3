import {
  AccountActionResult,
  AccountCounts,
  AccountDetail,
  AccountListResponse,
  type AccountSort,
  type CreateAccountRequest,
  CreatedAccount,
  DelegateSummary,
  EmailChangeListResponse,
  type UpdateAccountRequest,
} from "@medimail/contracts/accounts";
import type { AccountState, AccountType } from "@medimail/contracts/enums";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiGet, apiSend } from "../../../lib/api-client.ts";

export interface AccountSearchParams {
  q: string;
  state: AccountState | null;
  type: AccountType | null;
  daughters: boolean;
  sort: AccountSort;
  order: "asc" | "desc";
  after: string | null;
}

const accountsKey = (structureId: string) => ["structures", structureId, "accounts"] as const;

function searchQueryString(params: AccountSearchParams): string {
  const query = new URLSearchParams();
  if (params.q.trim()) query.set("q", params.q.trim());
  if (params.state) query.set("state", params.state);
  if (params.type) query.set("type", params.type);
  if (params.daughters) query.set("daughters", "true");
  query.set("sort", params.sort);
  query.set("order", params.order);
  if (params.after) query.set("after", params.after);
  query.set("limit", "50");
  return query.toString();
}

export const useAccountList = (structureId: string, params: AccountSearchParams) =>
  useQuery({
    queryKey: [...accountsKey(structureId), "list", params],
    queryFn: ({ signal }) =>
      apiGet(`/structures/${structureId}/accounts?${searchQueryString(params)}`, AccountListResponse, signal),
    placeholderData: keepPreviousData,
  });

export const useAccountCounts = (structureId: string, daughters: boolean) =>
  useQuery({
    queryKey: [...accountsKey(structureId), "counts", daughters],
    queryFn: ({ signal }) =>
      apiGet(`/structures/${structureId}/accounts/counts${daughters ? "?daughters=true" : ""}`, AccountCounts, signal),
  });

export const useEmailChanges = (structureId: string, daughters: boolean, after: string | null) =>
  useQuery({
    queryKey: [...accountsKey(structureId), "email-changes", daughters, after],
    queryFn: ({ signal }) => {
      const query = new URLSearchParams({ limit: "50" });
      if (daughters) query.set("daughters", "true");
      if (after) query.set("after", after);
      return apiGet(`/structures/${structureId}/email-changes?${query}`, EmailChangeListResponse, signal);
    },
    placeholderData: keepPreviousData,
  });

export const accountKey = (accountId: string) => ["accounts", accountId] as const;

export const useAccount = (accountId: string) =>
  useQuery({
    queryKey: accountKey(accountId),
    queryFn: ({ signal }) => apiGet(`/accounts/${accountId}`, AccountDetail, signal),
  });

/** After any change to accounts: lists, counts, the account itself and the structure's home are stale. */
function useAccountsMutation<T, R>(mutationFn: (body: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["structures"] }),
        queryClient.invalidateQueries({ queryKey: ["accounts"] }),
      ]);
    },
  });
}

export const useCreateAccount = (structureId: string) =>
  useAccountsMutation((body: CreateAccountRequest) =>
    apiSend("POST", `/structures/${structureId}/accounts`, CreatedAccount, body),
  );

export const useUpdateAccount = (accountId: string) =>
  useAccountsMutation((body: UpdateAccountRequest) =>
    apiSend("PUT", `/accounts/${accountId}`, z.object({ version: z.number() }), body),
  );

export type StateAction = "validate" | "reject" | "rehabilitate";

export const useAccountAction = () =>
  useAccountsMutation(({ accountId, action, version }: { accountId: string; action: StateAction; version: number }) =>
    apiSend("POST", `/accounts/${accountId}/${action}`, AccountActionResult, { version }),
  );

export const useRemind = () =>
  useAccountsMutation((accountId: string) =>
    apiSend("POST", `/accounts/${accountId}/remind`, z.object({ lastReminderAt: z.string() })),
  );

export const useChangeStructure = (accountId: string) =>
  useAccountsMutation((body: { version: number; structureId: string }) =>
    apiSend("PUT", `/accounts/${accountId}/structure`, z.object({ version: z.number() }), body),
  );

export const usePasswordReset = (accountId: string) =>
  useAccountsMutation(() => apiSend("POST", `/accounts/${accountId}/password-reset`, z.null()));

export const useRequestEmailChange = (accountId: string) =>
  useAccountsMutation((body: { newEmail: string }) =>
    apiSend("POST", `/accounts/${accountId}/email-change`, z.object({ id: z.string() }), body),
  );

export const useEditEmailChange = () =>
  useAccountsMutation(({ requestId, newEmail }: { requestId: string; newEmail: string }) =>
    apiSend("PUT", `/email-changes/${requestId}`, z.null(), { newEmail }),
  );

export const useCancelEmailChange = () =>
  useAccountsMutation((requestId: string) => apiSend("DELETE", `/email-changes/${requestId}`, z.null()));

export const useAddDelegate = (accountId: string) =>
  useAccountsMutation((body: { email: string }) =>
    apiSend("POST", `/accounts/${accountId}/delegates`, DelegateSummary, body),
  );

export const useRemoveDelegate = (accountId: string) =>
  useAccountsMutation((delegationId: string) =>
    apiSend("DELETE", `/accounts/${accountId}/delegates/${delegationId}`, z.null()),
  );

export const useUpdateLinkedMailbox = (accountId: string) =>
  useAccountsMutation(
    ({ mailboxId, ...body }: { mailboxId: string; isDefault?: boolean; receptionNotification?: boolean }) =>
      apiSend("PUT", `/accounts/${accountId}/mailboxes/${mailboxId}`, z.null(), body),
  );
