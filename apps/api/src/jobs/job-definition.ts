import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";

/** Jobs read the time through this, so tests move time instead of waiting. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Cron expressions are read in the agency's time zone (03:00 means 03:00 in Paris, summer and winter). */
export const SCHEDULE_TIME_ZONE = "Europe/Paris";

export interface JobContext {
  db: Db;
  clock: Clock;
  /** rows handled per transaction / per query: bounds memory and lock time */
  batchSize: number;
  log: FastifyBaseLogger;
  runId: string;
}

export interface JobResult {
  processed: number;
  failed: number;
}

/**
 * A background job. Handlers must be idempotent — run twice, the second run changes nothing — and work in
 * bounded batches, each batch committed on its own, so a crash loses at most the batch in flight and the
 * retry finishes the rest.
 */
export interface JobDefinition {
  name: string;
  /** French label for the operators' status screen */
  label: string;
  description: string;
  cron?: string;
  handler(context: JobContext): Promise<JobResult>;
}
