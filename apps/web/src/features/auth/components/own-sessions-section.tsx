import { loginMethodLabels } from "@medimail/contracts/auth";
import { useState } from "react";
import { ConfirmDialog } from "../../../components/ui/dialog.tsx";
import { FormError } from "../../../components/ui/form-actions.tsx";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { formatDateTimeToMinute } from "../../../lib/format.ts";
import { useEndOtherSessions, useEndSession, useOwnSessions } from "../api/me.ts";

/** "Firefox sur Windows" from a user agent: enough to recognise one's device, without the version soup. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return "Appareil inconnu";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : "Navigateur";
  const system = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Windows/.test(userAgent)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  return system ? `${browser} sur ${system}` : browser;
}

/** "Mes sessions": where I am signed in; ending another session signs that browser out at its next request. */
export function OwnSessionsSection() {
  const sessions = useOwnSessions();
  const endOne = useEndSession();
  const endOthers = useEndOtherSessions();
  const [confirmAll, setConfirmAll] = useState(false);
  const others = sessions.data?.items.filter((item) => !item.current).length ?? 0;

  return (
    <section aria-labelledby="sessions" className="card">
      <h2 id="sessions" className="card__title">
        Mes sessions
      </h2>
      <p>Les navigateurs où vous êtes connecté. Si vous n'en reconnaissez pas un, terminez sa session.</p>
      {sessions.isPending ? (
        <Loading label="Chargement des sessions…" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <>
          <table className="table table--compact">
            <caption className="sr-only">Mes sessions ouvertes</caption>
            <thead>
              <tr>
                <th scope="col">Appareil</th>
                <th scope="col">Adresse IP</th>
                <th scope="col">Connexion</th>
                <th scope="col">Dernière activité</th>
                <th scope="col">
                  <span className="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.items.map((item) => (
                <tr key={item.id}>
                  <td title={item.userAgent ?? undefined}>
                    {describeUserAgent(item.userAgent)}
                    {item.current && (
                      <>
                        {" "}
                        <span className="badge badge--success">Cette session</span>
                      </>
                    )}
                  </td>
                  <td>{item.ip ?? "—"}</td>
                  <td>
                    {formatDateTimeToMinute(item.createdAt)}
                    <div className="muted">{loginMethodLabels[item.method]}</div>
                  </td>
                  <td>{formatDateTimeToMinute(item.lastSeenAt)}</td>
                  <td>
                    {!item.current && (
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        disabled={endOne.isPending}
                        aria-label={`Terminer la session ${describeUserAgent(item.userAgent)} ${item.ip ?? ""}`.trim()}
                        onClick={() => endOne.mutate(item.id)}
                      >
                        Terminer
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <FormError message={endOne.error?.message} />
          {endOthers.data && (
            <p role="status">
              {endOthers.data.ended === 1
                ? "1 autre session a été terminée."
                : `${endOthers.data.ended} autres sessions ont été terminées.`}
            </p>
          )}
          {others > 0 && (
            <button type="button" className="button button--secondary" onClick={() => setConfirmAll(true)}>
              Terminer toutes les autres sessions
            </button>
          )}
        </>
      )}
      {confirmAll && (
        <ConfirmDialog
          title="Terminer toutes les autres sessions ?"
          message={`Les ${others} autre${others > 1 ? "s" : ""} navigateur${others > 1 ? "s" : ""} où vous êtes connecté devront se reconnecter. Cette session-ci reste ouverte.`}
          confirmLabel="Terminer les autres sessions"
          pending={endOthers.isPending}
          error={endOthers.error?.message}
          onConfirm={() => endOthers.mutate(undefined, { onSuccess: () => setConfirmAll(false) })}
          onClose={() => setConfirmAll(false)}
        />
      )}
    </section>
  );
}
