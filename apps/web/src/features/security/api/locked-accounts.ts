import { LockedAccountListResponse } from "@medimail/contracts/auth";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiGet, apiSend } from "../../../lib/api-client.ts";

export const useLockedAccounts = () =>
  useQuery({
    queryKey: ["locked-accounts"],
    queryFn: ({ signal }) => apiGet("/security/locked-accounts", LockedAccountListResponse, signal),
  });

export const useUnlockAccount = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiSend("POST", `/security/locked-accounts/${id}/unlock`, z.null()),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["locked-accounts"] }),
  });
};
