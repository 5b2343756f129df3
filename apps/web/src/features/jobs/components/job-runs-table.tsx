import { jobTriggerLabels } from "@medimail/contracts/jobs";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { JobRunStatusBadge } from "../../shared/components/job-run-status.tsx";
import { useJobRuns } from "../api/list-job-runs.ts";

export function JobRunsTable({ name, label }: { name: string; label: string }) {
  const runs = useJobRuns(name);
  if (runs.isPending) return <Loading label="Chargement de l'historique…" />;
  if (runs.isError) return <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />;
  if (runs.data.items.length === 0) return <EmptyState title="Cette tâche ne s'est encore jamais exécutée" />;
  return (
    <table className="table table--compact">
      <caption className="sr-only">Historique des exécutions : {label}</caption>
      <thead>
        <tr>
          <th scope="col">Déclenchement</th>
          <th scope="col">Prévue pour</th>
          <th scope="col">Début</th>
          <th scope="col">Fin</th>
          <th scope="col">Statut</th>
          <th scope="col" className="numeric">
            Tentatives
          </th>
          <th scope="col" className="numeric">
            Traités
          </th>
          <th scope="col" className="numeric">
            Échecs
          </th>
        </tr>
      </thead>
      <tbody>
        {runs.data.items.map((run) => (
          <tr key={run.id}>
            <td>{jobTriggerLabels[run.trigger]}</td>
            <td>{formatDateTime(run.scheduledFor)}</td>
            <td>{formatDateTime(run.startedAt)}</td>
            <td>{formatDateTime(run.finishedAt)}</td>
            <td>
              <JobRunStatusBadge status={run.status} />
              {run.error && <div className="error-text">{run.error}</div>}
            </td>
            <td className="numeric">{run.attempts}</td>
            <td className="numeric">{run.processed}</td>
            <td className="numeric">{run.failed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
