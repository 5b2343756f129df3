import { type CurrentUser, SessionResponse } from "@medimail/contracts/auth";
import { type QueryClient, queryOptions, useQuery } from "@tanstack/react-query";
import { apiGet, setCsrfToken } from "../../../lib/api-client.ts";

export const sessionQueryKey = ["session"] as const;

export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: sessionQueryKey,
    queryFn: async ({ signal }) => {
      const session = await apiGet("/auth/session", SessionResponse, signal);
      setCsrfToken(session.csrfToken);
      return session;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useSession = () => useQuery(sessionQueryOptions());

/** The signed-in user (only inside the guarded part of the console, where there is one). */
export function useCurrentUser(): CurrentUser {
  const { data } = useSession();
  if (!data?.user) throw new Error("useCurrentUser outside a signed-in page");
  return data.user;
}

/**
 * After a sign-out or an ended session: forget every cached answer of the previous user and reload the session
 * (pending meanwhile, so no page renders with a user who is gone).
 */
export async function forgetSession(queryClient: QueryClient): Promise<void> {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
  await queryClient.resetQueries({ queryKey: sessionQueryKey });
}
