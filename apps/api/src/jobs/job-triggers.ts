import type { Db, DbTx, JobRun } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "./job-definition.ts";
import { recordJobRun } from "./job-run.repository.ts";
import type { JobQueue } from "./queue.ts";

/** Asks for a job to run now rather than at its next scheduled time. */
export type StartJobSoon = () => void;

/** Starts a job as part of a change: the run is recorded in the change's transaction, dispatched after the commit. */
export interface StartJobWithChange {
  /** records the run in the caller's transaction: it exists if and only if the change commits */
  record(tx: DbTx, options?: { requestedBy?: string | null }): Promise<JobRun>;
  /** hands the recorded run to the queue; call it after the commit (if it fails, the scheduler hands it over) */
  dispatch(run: JobRun): Promise<void>;
}

/** The one way a service starts a job; built once by the composition root, each service gets what it needs. */
export interface JobTriggers {
  /**
   * Call it after the transaction that created the work has committed. Calls within COALESCE_MS share one run (a
   * run takes every waiting item); a run started after the commit always sees the work; if this process dies first,
   * the job's next scheduled run (or the scheduler's catch-up of stranded runs) does it.
   */
  soon(name: string): StartJobSoon;
  /** a run of one definite piece of work (an import's apply, "Lancer maintenant"), asked by a person or an event */
  withChange(name: string, trigger?: "MANUAL" | "EVENT"): StartJobWithChange;
}

const COALESCE_MS = 200;

/**
 * Without a queue (an app built without background, as in most tests), `soon` does nothing and `withChange` records
 * the run without dispatching it: the test runs the job itself.
 */
export function createJobTriggers({
  db,
  queue,
  clock,
  log,
}: {
  db: Db;
  queue?: Pick<JobQueue, "dispatch"> | undefined;
  clock: Clock;
  log: FastifyBaseLogger;
}): JobTriggers {
  return {
    soon(name) {
      if (!queue) return () => undefined;
      let pending: NodeJS.Timeout | null = null;
      return () => {
        if (pending) return;
        pending = setTimeout(() => {
          pending = null;
          recordJobRun(db, { name, clock, trigger: "EVENT" })
            .then((run) => queue.dispatch(run.name, run.id))
            .catch((error: Error) =>
              log.warn({ err: error, job: name }, "could not start the job now: its next run will"),
            );
        }, COALESCE_MS);
        pending.unref();
      };
    },

    withChange(name, trigger = "EVENT") {
      return {
        record: (tx, { requestedBy = null } = {}) => recordJobRun(tx, { name, clock, requestedBy, trigger }),
        dispatch: async (run) => {
          if (queue) await queue.dispatch(run.name, run.id);
        },
      };
    },
  };
}
