import type { DirectoryPublicationSummary } from "@medimail/contracts/directory";
import { FEED_RULES } from "@medimail/domain/feed-rules";
import { Link } from "react-router";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { JobRunStatusBadge } from "../../shared/components/job-run-status.tsx";
import { usePublications } from "../api/list-publications.ts";
import { NationalExtractionPanel } from "../components/national-extraction-panel.tsx";

const day = new Intl.DateTimeFormat("fr-FR", { dateStyle: "full", timeZone: "UTC" });
const formatDay = (iso: string) => day.format(new Date(`${iso}T00:00:00Z`));

/** Operators' (and support's) view of the nightly publications to the national directory. */
export function DirectoryPage() {
  usePageTitle("Publication dans l'annuaire");
  const publications = usePublications();
  return (
    <section aria-labelledby="directory-title">
      <h1 id="directory-title">Publication dans l'annuaire national</h1>
      <p className="muted">
        Chaque nuit, les créations, modifications et suppressions de correspondances MSSanté sont publiées dans
        l'annuaire national. Une adresse en erreur bloquante (rapport d'alimentation) est retenue jusqu'à sa correction
        ; une adresse refusée par l'annuaire garde sa réponse (code et message) et est représentée chaque nuit.
      </p>
      {publications.isPending ? (
        <Loading label="Chargement des publications…" />
      ) : publications.isError ? (
        <ErrorState error={publications.error} onRetry={() => void publications.refetch()} />
      ) : (
        <>
          <dl className="facts">
            <div>
              <dt>Adresses à publier cette nuit</dt>
              <dd>{publications.data.pending}</dd>
            </div>
            <div>
              <dt>Adresses retenues actuellement</dt>
              <dd>{publications.data.heldNow}</dd>
            </div>
          </dl>
          {publications.data.items.length === 0 ? (
            <EmptyState title="Aucune publication pour l'instant" />
          ) : (
            <>
              <PublicationsTable items={publications.data.items} />
              <RejectedEntries run={publications.data.items[0] as DirectoryPublicationSummary} />
              <HeldEntries run={publications.data.items[0] as DirectoryPublicationSummary} />
            </>
          )}
        </>
      )}
      <NationalExtractionPanel />
    </section>
  );
}

function PublicationsTable({ items }: { items: DirectoryPublicationSummary[] }) {
  return (
    <table className="table table--compact">
      <caption>Dernières publications</caption>
      <thead>
        <tr>
          <th scope="col">Nuit</th>
          <th scope="col">Statut</th>
          <th scope="col">Fin</th>
          <th scope="col" className="numeric">
            Créations
          </th>
          <th scope="col" className="numeric">
            Modifications
          </th>
          <th scope="col" className="numeric">
            Suppressions
          </th>
          <th scope="col" className="numeric">
            Retenues
          </th>
          <th scope="col" className="numeric">
            Refusées par l'annuaire
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((run) => (
          <tr key={run.id}>
            <td>{formatDay(run.runDate)}</td>
            <td>
              <JobRunStatusBadge status={run.status} />
              {run.error && <div className="error-text">{run.error}</div>}
            </td>
            <td>{formatDateTime(run.finishedAt)}</td>
            <td className="numeric">{run.created}</td>
            <td className="numeric">{run.updated}</td>
            <td className="numeric">{run.deleted}</td>
            <td className="numeric">{run.held}</td>
            <td className="numeric">{run.rejected}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const ACTIONS = { CREATE: "Création", UPDATE: "Modification", DELETE: "Suppression" } as const;

/** What the directory refused, with its own code and message. */
function RejectedEntries({ run }: { run: DirectoryPublicationSummary }) {
  if (run.rejectedEntries.length === 0) return null;
  return (
    <table className="table table--compact">
      <caption>
        Refusé par l'annuaire la nuit du {formatDay(run.runDate)}
        {run.rejected > run.rejectedEntries.length
          ? ` (les ${run.rejectedEntries.length} premières sur ${run.rejected})`
          : ""}
      </caption>
      <thead>
        <tr>
          <th scope="col">Adresse</th>
          <th scope="col">Opération</th>
          <th scope="col">Titulaire</th>
          <th scope="col">Structure</th>
          <th scope="col">Réponse de l'annuaire</th>
        </tr>
      </thead>
      <tbody>
        {run.rejectedEntries.map((entry) => (
          <tr key={`${entry.action} ${entry.address}`}>
            <td>
              {entry.structureId && entry.accountId ? (
                <Link to={`/structures/${entry.structureId}/utilisateurs/${entry.accountId}`}>{entry.address}</Link>
              ) : (
                entry.address
              )}
            </td>
            <td>{ACTIONS[entry.action]}</td>
            <td>{entry.lastName ? `${entry.lastName} ${entry.firstName ?? ""}` : "Compte supprimé"}</td>
            <td>{entry.structureName ?? "—"}</td>
            <td>
              <strong>{entry.code}</strong> — <span className="pre-line">{entry.message}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HeldEntries({ run }: { run: DirectoryPublicationSummary }) {
  if (run.heldEntries.length === 0) return null;
  return (
    <table className="table table--compact">
      <caption>
        Adresses retenues la nuit du {formatDay(run.runDate)}
        {run.held > run.heldEntries.length ? ` (les ${run.heldEntries.length} premières sur ${run.held})` : ""}
      </caption>
      <thead>
        <tr>
          <th scope="col">Adresse</th>
          <th scope="col">Titulaire</th>
          <th scope="col">Structure</th>
          <th scope="col">Erreurs</th>
        </tr>
      </thead>
      <tbody>
        {run.heldEntries.map((entry) => (
          <tr key={entry.address}>
            <td>
              {entry.structureId ? (
                <Link to={`/structures/${entry.structureId}/utilisateurs/${entry.accountId}`}>{entry.address}</Link>
              ) : (
                entry.address
              )}
            </td>
            <td>{entry.lastName ? `${entry.lastName} ${entry.firstName ?? ""}` : "Compte supprimé"}</td>
            <td>{entry.structureName ?? "—"}</td>
            <td>
              <ul>
                {entry.codes.map((code) => (
                  <li key={code}>
                    <strong>{code}</strong> {FEED_RULES[code].severity === "BLOCKING" ? "(bloquante)" : "(warning)"} —{" "}
                    {FEED_RULES[code].message}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
