import { PscLinkResponse, RecoveryCodesResponse, TotpSetupResponse } from "@medimail/contracts/auth";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiSend } from "../../../lib/api-client.ts";
import { sessionQueryKey } from "./session.ts";

/** Changes to one's own sign-in factors; each reloads the session (which says what is enabled). */
function useMeMutation<T>(mutationFn: (code: string) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
  });
}

export const useStartTotp = () => useMeMutation(() => apiSend("POST", "/me/totp/setup", TotpSetupResponse));
export const useConfirmTotp = () =>
  useMeMutation((code) => apiSend("POST", "/me/totp/confirm", RecoveryCodesResponse, { code }));
export const useRenewRecoveryCodes = () =>
  useMeMutation((code) => apiSend("POST", "/me/recovery-codes", RecoveryCodesResponse, { code }));
export const useDisableTotp = () => useMeMutation((code) => apiSend("POST", "/me/totp/disable", z.null(), { code }));
export const useStartPscLink = () =>
  useMutation({ mutationFn: () => apiSend("POST", "/me/psc/link", PscLinkResponse) });
export const useUnlinkPsc = () => useMeMutation(() => apiSend("POST", "/me/psc/unlink", z.null()));
