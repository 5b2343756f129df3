import { type JobRunStatus, jobRunStatusLabels } from "@medimail/contracts/jobs";

const TONE: Record<JobRunStatus, string> = {
  PENDING: "badge--info",
  RUNNING: "badge--info",
  DONE: "badge--success",
  FAILED: "badge--error",
  EXPIRED: "badge--warning",
};

/** A job run's status as a coloured badge (the scheduled jobs' screen, the directory's nights). */
export function JobRunStatusBadge({ status }: { status: JobRunStatus }) {
  return <span className={`badge ${TONE[status]}`}>{jobRunStatusLabels[status]}</span>;
}
