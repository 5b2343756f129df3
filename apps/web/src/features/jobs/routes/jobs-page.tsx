import type { JobStatus } from "@medimail/contracts/jobs";
import { useState } from "react";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useCurrentUser } from "../../shared/api/session.ts";
import { JobRunStatusBadge } from "../../shared/components/job-run-status.tsx";
import { useJobs } from "../api/list-jobs.ts";
import { useRunJobNow } from "../api/run-job-now.ts";
import { describeCron } from "../components/format.ts";
import { JobRunsTable } from "../components/job-runs-table.tsx";

/** Operators' screen: each background job, its last and next run, failures, "Lancer maintenant". */
export function JobsPage() {
  usePageTitle("Tâches planifiées");
  const jobs = useJobs();
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Tâches planifiées</h1>
      <p className="muted">
        Travaux de nuit et envois d'e-mails, exécutés une seule fois quel que soit le nombre de serveurs. Heures de
        Paris.
      </p>
      {jobs.isPending ? (
        <Loading label="Chargement des tâches…" />
      ) : jobs.isError ? (
        <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />
      ) : jobs.data.items.length === 0 ? (
        <EmptyState title="Aucune tâche déclarée" />
      ) : (
        <div className="job-list">
          {jobs.data.items.map((job) => (
            <JobCard key={job.name} job={job} />
          ))}
        </div>
      )}
    </section>
  );
}

function JobCard({ job }: { job: JobStatus }) {
  const runNow = useRunJobNow();
  const { isOperator } = useCurrentUser();
  const [historyOpen, setHistoryOpen] = useState(false);
  const historyId = `history-${job.name.replace(/\W/g, "-")}`;
  const busy = runNow.isPending || (job.lastRun !== null && ["PENDING", "RUNNING"].includes(job.lastRun.status));
  return (
    <article className="card" aria-labelledby={`${historyId}-title`}>
      <div className="card__header">
        <div>
          <h2 id={`${historyId}-title`} className="card__title">
            {job.label}
          </h2>
          <p className="muted">{job.description}</p>
        </div>
        {isOperator && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => runNow.mutate(job.name)}
            aria-describedby={`${historyId}-feedback`}
          >
            {busy ? "En cours…" : "Lancer maintenant"}
          </button>
        )}
      </div>
      <dl className="facts">
        <div>
          <dt>Planification</dt>
          <dd>{describeCron(job.cron)}</dd>
        </div>
        <div>
          <dt>Dernière exécution</dt>
          <dd>
            {job.lastRun ? (
              <>
                {formatDateTime(job.lastRun.startedAt ?? job.lastRun.scheduledFor)}{" "}
                <JobRunStatusBadge status={job.lastRun.status} />
              </>
            ) : (
              "Jamais"
            )}
          </dd>
        </div>
        <div>
          <dt>Traités / échecs</dt>
          <dd>{job.lastRun ? `${job.lastRun.processed} / ${job.lastRun.failed}` : "—"}</dd>
        </div>
        <div>
          <dt>Prochaine exécution</dt>
          <dd>{formatDateTime(job.nextRunAt)}</dd>
        </div>
        <div>
          <dt>Exécutions en échec (7 jours)</dt>
          <dd>
            {job.failedRunsLast7Days === 0 ? (
              "Aucune"
            ) : (
              <span className="badge badge--error">{job.failedRunsLast7Days}</span>
            )}
          </dd>
        </div>
      </dl>
      {job.lastRun?.error && <p className="error-text">Dernière erreur : {job.lastRun.error}</p>}
      <p id={`${historyId}-feedback`} role="status" className="muted">
        {runNow.isError
          ? `Échec du lancement : ${runNow.error.message}`
          : runNow.isSuccess
            ? "Exécution demandée."
            : ""}
      </p>
      <button
        type="button"
        className="button button--link"
        aria-expanded={historyOpen}
        aria-controls={historyId}
        onClick={() => setHistoryOpen((open) => !open)}
      >
        {historyOpen ? "Masquer l'historique" : "Voir l'historique"}
      </button>
      <div id={historyId} hidden={!historyOpen}>
        {historyOpen && <JobRunsTable name={job.name} label={job.label} />}
      </div>
    </article>
  );
}
