import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { ApiError } from "../../../lib/api-client.ts";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useCaughtMails } from "../api/list-caught-mails.ts";

const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "medium",
  timeZone: "Europe/Paris",
});

/** Development only: what the local SMTP catcher received, newest first. */
export function CaughtMailsPage() {
  usePageTitle("E-mails interceptés");
  const mails = useCaughtMails();
  return (
    <section aria-labelledby="mails-title">
      <h1 id="mails-title">E-mails interceptés</h1>
      <p className="muted">
        Sans serveur de messagerie configuré (SMTP_URL), la console garde ici les e-mails qu'elle envoie au lieu de les
        délivrer. Cette page n'existe pas en production.
      </p>
      {mails.isPending ? (
        <Loading label="Chargement des e-mails…" />
      ) : mails.isError ? (
        mails.error instanceof ApiError && mails.error.status === 404 ? (
          <EmptyState title="Aucun serveur SMTP local : les e-mails partent vers SMTP_URL" />
        ) : (
          <ErrorState error={mails.error} onRetry={() => void mails.refetch()} />
        )
      ) : mails.data.items.length === 0 ? (
        <EmptyState title="Aucun e-mail intercepté pour l'instant" />
      ) : (
        <ul className="mail-list">
          {mails.data.items.map((mail) => (
            <li key={`${mail.messageId}-${mail.receivedAt}`} className="card">
              <details>
                <summary>
                  <strong>{mail.subject || "(sans objet)"}</strong> — à {mail.to.join(", ")}{" "}
                  <span className="muted">({dateTime.format(new Date(mail.receivedAt))})</span>
                </summary>
                <p className="muted">De : {mail.from}</p>
                <pre className="mail-body">{mail.text}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
