import { z } from "zod";
import { Uuid } from "./common.ts";

export const JobRunStatus = z.enum(["PENDING", "RUNNING", "DONE", "FAILED", "EXPIRED"]);
export type JobRunStatus = z.infer<typeof JobRunStatus>;

export const jobRunStatusLabels: Record<JobRunStatus, string> = {
  PENDING: "En attente",
  RUNNING: "En cours",
  DONE: "Terminée",
  FAILED: "En échec",
  EXPIRED: "Expirée",
};

export const JobTrigger = z.enum(["CRON", "MANUAL", "EVENT"]);
export type JobTrigger = z.infer<typeof JobTrigger>;

export const jobTriggerLabels: Record<JobTrigger, string> = {
  CRON: "Planifiée",
  MANUAL: "Manuelle",
  EVENT: "Déclenchée par l'application",
};

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

export const JobListResponse = z.object({ items: z.array(JobStatus) });
export const JobRunsResponse = z.object({ items: z.array(JobRunSummary) });

export const JobNameParams = z.object({ name: z.string().trim().min(1).max(100) });
