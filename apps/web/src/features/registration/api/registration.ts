import type { SelfRegistrationInput } from "@medimail/contracts/accounts";
import { useMutation, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { apiGet, apiSend } from "../../../lib/api-client.ts";

// The public side of accounts: nobody is signed in, so these calls carry the anonymous CSRF token that
// GET /api/auth/session hands out (the pages wait for the session before showing their forms).

export const RegistrationResponse = z.object({ structureName: z.string() });

/** What a link from a mail allows (GET /api/registration/link). */
export const LinkInfo = z.discriminatedUnion("valid", [
  z.object({
    valid: z.literal(true),
    purpose: z.enum(["REGISTRATION", "PASSWORD_RESET"]),
    email: z.string(),
    name: z.string(),
  }),
  z.object({ valid: z.literal(false), message: z.string() }),
]);
export type LinkInfo = z.infer<typeof LinkInfo>;
export type LinkPurpose = Extract<LinkInfo, { valid: true }>["purpose"];

/** "S'inscrire": answers the structure the auto-enrolment rules chose. */
export const useRegister = () =>
  useMutation({
    mutationFn: (body: SelfRegistrationInput) => apiSend("POST", "/registration", RegistrationResponse, body),
  });

export const useLinkInfo = (token: string) =>
  useQuery({
    queryKey: ["registration-link", token],
    queryFn: ({ signal }) => apiGet(`/registration/link?token=${encodeURIComponent(token)}`, LinkInfo, signal),
    // a link is read once: once used, asking again would only say "déjà servi" over the success message
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

/** Sets the password through the link (once). */
export const useSetPasswordByLink = () =>
  useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      apiSend("POST", "/registration/password", z.null(), body),
  });

/** Cancels a pending email change through the link mailed to the old address (once). */
export const useCancelEmailChangeByLink = () =>
  useMutation({
    mutationFn: (body: { token: string }) =>
      apiSend("POST", "/email-changes/cancel", z.object({ oldEmail: z.string() }), body),
  });
