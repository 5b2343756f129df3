import {
  type EmailCodeLoginRequest,
  LoginNextStep,
  type PasswordLoginRequest,
  SessionResponse,
} from "@medimail/contracts/auth";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiSend, setCsrfToken } from "../../../lib/api-client.ts";
import { forgetSession, sessionQueryKey } from "../../shared/api/session.ts";

export const useStartPasswordLogin = () =>
  useMutation({ mutationFn: (body: PasswordLoginRequest) => apiSend("POST", "/auth/password", LoginNextStep, body) });

export const useStartEmailCodeLogin = () =>
  useMutation({
    mutationFn: (body: EmailCodeLoginRequest) => apiSend("POST", "/auth/email-code", LoginNextStep, body),
  });

/** The second step; on success the session (and its CSRF token) is reloaded. */
export const useVerifyCode = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; appCode?: string | undefined }) =>
      apiSend("POST", "/auth/verify", SessionResponse, body),
    onSuccess: async (response) => {
      setCsrfToken(response.csrfToken);
      await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });
};

export const useLogout = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiSend("POST", "/auth/logout", z.null()),
    onSettled: () => forgetSession(queryClient),
  });
};
