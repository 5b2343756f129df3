import { MssAddressDetail, type MssAddressInput } from "@medimail/contracts/mssante";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiGet, apiSend } from "../../../lib/api-client.ts";

/** An account's MSSanté correspondence: edited from the MSSanté section and from the account's page. */
export const useMssAddress = (accountId: string) =>
  useQuery({
    queryKey: ["accounts", accountId, "mss-address"],
    queryFn: ({ signal }) => apiGet(`/accounts/${accountId}/mss-address`, MssAddressDetail, signal),
  });

/** Correspondences change counters, lists, the account page and the structure's home. */
export function useMssMutation<T, R>(mutationFn: (body: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    // not awaited: the caller's own onSuccess (closing a dialog) must not wait for every list to reload
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["structures"] });
      void queryClient.invalidateQueries({ queryKey: ["accounts"] });
    },
  });
}

export const useSaveMssAddress = (accountId: string) =>
  useMssMutation((body: MssAddressInput) => apiSend("PUT", `/accounts/${accountId}/mss-address`, z.null(), body));
