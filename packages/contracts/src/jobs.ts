import { z } from "zod";
import { labelledEnum, listOf, Uuid } from "./common.ts";

export const [JobRunStatus, jobRunStatusLabels] = labelledEnum({
  PENDING: "En attente",
  RUNNING: "En cours",
  DONE: "Terminée",
  FAILED: "En échec",
  EXPIRED: "Expirée",
});
export type JobRunStatus = z.infer<typeof JobRunStatus>;

export const [JobTrigger, jobTriggerLabels] = labelledEnum({
  CRON: "Planifiée",
  MANUAL: "Manuelle",
  EVENT: "Déclenchée par l'application",
});
export type JobTrigger = z.infer<typeof JobTrigger>;

export const JobRunSummary = z.object({
  id: Uuid,
  trigger: JobTrigger,
  scheduledFor: z.iso.datetime(),
  status: JobRunStatus,
  attempts: z.number().int(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  processed: z.number().int(),
  failed: z.number().int(),
  error: z.string().nullable(),
});
export type JobRunSummary = z.infer<typeof JobRunSummary>;

export const JobStatus = z.object({
  name: z.string(),
  label: z.string(),
  description: z.string(),
  cron: z.string().nullable(),
  nextRunAt: z.iso.datetime().nullable(),
  lastRun: JobRunSummary.nullable(),
  failedRunsLast7Days: z.number().int(),
});
export type JobStatus = z.infer<typeof JobStatus>;

export const JobListResponse = listOf(JobStatus);
export const JobRunsResponse = listOf(JobRunSummary);

export const JobNameParams = z.object({ name: z.string().trim().min(1).max(100) });
