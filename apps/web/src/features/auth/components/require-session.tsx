import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { setUnauthenticatedHandler } from "../../../lib/api-client.ts";
import { forgetSession, useSession } from "../../shared/api/session.ts";

/**
 * The signed-in part of the console. Without a session, the login page (then back here). When any request
 * answers 401 (idle timeout, account disabled, logged out elsewhere), back to the login page with a notice,
 * remembering the page to come back to.
 */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const here = `${location.pathname}${location.search}`;

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      const current = `${window.location.pathname}${window.location.search}`;
      if (window.location.pathname.startsWith("/connexion")) return;
      void forgetSession(queryClient);
      navigate(`/connexion?retour=${encodeURIComponent(current)}&expiree=1`, { replace: true });
    });
  }, [navigate, queryClient]);

  if (session.isPending) return <Loading label="Vérification de la session…" />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data.user) {
    const to = here === "/" ? "/connexion" : `/connexion?retour=${encodeURIComponent(here)}`;
    return <Navigate to={to} replace />;
  }
  return <Outlet />;
}
