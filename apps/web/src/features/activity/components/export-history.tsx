import { type ActivityExportView, exportStatusLabels, messageDirectionLabels } from "@medimail/contracts/activity";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { formatDateTime, formatDateTimeToMinute } from "../../../lib/format.ts";
import { exportFileUrl, useActivityExports } from "../api/activity.ts";

function periodLabel(item: ActivityExportView): string {
  const to = formatDateTimeToMinute(item.period.to);
  return item.period.from ? `${formatDateTimeToMinute(item.period.from)} - ${to}` : `Jusqu'au ${to}`;
}

function criteriaLabel(item: ActivityExportView): string {
  const parts = [
    item.criteria.address ? `adresse ${item.criteria.address}` : null,
    item.criteria.direction ? `${messageDirectionLabels[item.criteria.direction].toLowerCase()}s` : null,
    item.criteria.daughters ? "avec les structures filles" : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "tous les messages";
}

function StatusCell({ item }: { item: ActivityExportView }) {
  if (item.status === "RUNNING" || item.status === "PENDING") {
    return (
      <span className="export-status">
        {exportStatusLabels[item.status]}
        {item.status === "RUNNING" && (
          <progress max={100} value={item.progress} aria-label={`Avancement de l'export ${item.id}`}>
            {item.progress} %
          </progress>
        )}
        {item.status === "RUNNING" && ` ${item.progress} %`}
      </span>
    );
  }
  return (
    <span title={item.error ?? undefined}>
      {exportStatusLabels[item.status]}
      {item.status === "DONE" && item.rowCount !== null && ` (${item.rowCount.toLocaleString("fr-FR")} lignes)`}
      {item.status === "FAILED" && item.error && <span className="muted"> — {item.error}</span>}
    </span>
  );
}

/** "Historique des exports": each request, its period, its status (polled while it runs) and its file. */
export function ExportHistory({ structureId }: { structureId: string }) {
  const exports = useActivityExports(structureId);
  if (exports.isPending) return <Loading label="Chargement de l'historique des exports…" />;
  if (exports.isError) return <ErrorState error={exports.error} onRetry={() => void exports.refetch()} />;
  const { items } = exports.data;
  if (items.length === 0) {
    return (
      <EmptyState title="Aucun export demandé">
        <p>Les exports demandés depuis cette page apparaîtront ici.</p>
      </EmptyState>
    );
  }
  return (
    <div className="table-wrapper">
      <table className="table table--compact">
        <caption className="sr-only">Historique des exports de l'activité, du plus récent au plus ancien</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Date demande</th>
            <th scope="col">Période</th>
            <th scope="col">Critères</th>
            <th scope="col">Date traitement</th>
            <th scope="col">Statut</th>
            <th scope="col">Fichier</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-export-id={item.id}>
              <td className="mono">{item.id}</td>
              <td className="nowrap">{formatDateTime(item.requestedAt)}</td>
              <td>{periodLabel(item)}</td>
              <td>
                {criteriaLabel(item)}
                <span className="muted">
                  {" "}
                  — {item.format}, par {item.requestedBy}
                </span>
              </td>
              <td className="nowrap">{formatDateTime(item.processedAt)}</td>
              <td aria-live="polite">
                <StatusCell item={item} />
              </td>
              <td>
                {item.status === "DONE" ? (
                  <a href={exportFileUrl(item.id)} download>
                    Récupérer
                    <span className="sr-only">
                      {" "}
                      l'export {item.format} du {formatDateTime(item.requestedAt)}
                    </span>
                  </a>
                ) : item.status === "EXPIRED" ? (
                  <span className="muted">Expiré</span>
                ) : (
                  "—"
                )}
                {item.status === "DONE" && item.expiresAt && (
                  <span className="muted"> (jusqu'au {formatDateTimeToMinute(item.expiresAt)})</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
