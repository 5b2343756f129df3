import {
  EndedSessionsResponse,
  OwnSessionListResponse,
  PscLinkResponse,
  type ReauthRequest,
  RecoveryCodesResponse,
  TotpSetupResponse,
} from "@medimail/contracts/auth";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { ApiError, apiGet, apiSend } from "../../../lib/api-client.ts";
import { sessionQueryKey } from "../../shared/api/session.ts";

/** Changes to one's own sign-in factors; each reloads the session (which says what is enabled). */
function useMeMutation<T>(mutationFn: (code: string) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
  });
}

/** The API asks for the password (or the app's code) again before this change. */
export const isReauthRequired = (error: unknown) =>
  error instanceof ApiError && error.envelope.code === "REAUTH_REQUIRED";

export const useStartTotp = () => useMeMutation(() => apiSend("POST", "/me/totp/setup", TotpSetupResponse));
export const useConfirmTotp = () =>
  useMeMutation((code) => apiSend("POST", "/me/totp/confirm", RecoveryCodesResponse, { code }));
export const useRenewRecoveryCodes = () =>
  useMeMutation((code) => apiSend("POST", "/me/recovery-codes", RecoveryCodesResponse, { code }));
export const useDisableTotp = () => useMeMutation((code) => apiSend("POST", "/me/totp/disable", z.null(), { code }));
export const useStartPscLink = () =>
  useMutation({ mutationFn: () => apiSend("POST", "/me/psc/link", PscLinkResponse) });
export const useUnlinkPsc = () => useMeMutation(() => apiSend("POST", "/me/psc/unlink", z.null()));
export const useReauthenticate = () =>
  useMutation({ mutationFn: (input: ReauthRequest) => apiSend("POST", "/me/reauth", z.null(), input) });

const ownSessionsKey = ["me", "sessions"] as const;
export const useOwnSessions = () =>
  useQuery({
    queryKey: ownSessionsKey,
    queryFn: ({ signal }) => apiGet("/me/sessions", OwnSessionListResponse, signal),
  });

function useSessionsMutation<T, V>(mutationFn: (variables: V) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => queryClient.invalidateQueries({ queryKey: ownSessionsKey }) });
}
export const useEndSession = () =>
  useSessionsMutation((id: string) => apiSend("DELETE", `/me/sessions/${id}`, z.null()));
export const useEndOtherSessions = () =>
  useSessionsMutation(() => apiSend("DELETE", "/me/sessions", EndedSessionsResponse));
