import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "../../jobs/job-definition.ts";
import { createJobTrigger } from "../../jobs/job-trigger.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { JOB_NAMES } from "../../jobs/registry.ts";

/** Asks for the outbox to be delivered now rather than at its next minute (sign-in codes must arrive at once). */
export type DeliverMailSoon = () => void;

/** Call it after the transaction that queued a mail has committed (see createJobTrigger). */
export function createMailTrigger(deps: {
  db: Db;
  queue: Pick<JobQueue, "dispatch">;
  clock: Clock;
  log: FastifyBaseLogger;
}): DeliverMailSoon {
  return createJobTrigger({ ...deps, name: JOB_NAMES.outbox });
}
