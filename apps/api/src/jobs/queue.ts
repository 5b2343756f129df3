import type { FastifyBaseLogger } from "fastify";
import { PgBoss } from "pg-boss";
import type { JobDefinition } from "./job-definition.ts";

export interface JobQueueOptions {
  connectionString: string;
  definitions: JobDefinition[];
  log: FastifyBaseLogger;
  /** how often pg-boss looks for jobs whose worker stopped sending heartbeats (a killed process) */
  superviseIntervalSeconds?: number;
  /** first delay before retrying a failed job; doubles at each attempt, up to an hour */
  retryDelaySeconds?: number;
  /** how often a worker looks for jobs sent by other processes (its own process wakes it at once) */
  pollingIntervalSeconds?: number;
}

// A worker sends a heartbeat every 5 s; a job without one for 10 s is retried (its worker died).
const HEARTBEAT_SECONDS = 10;

/**
 * pg-boss, in its own `pgboss` schema of the application database: one queue per job, the job id is the
 * run id (so dispatching a run twice enqueues it once), retries with backoff, heartbeats so that the job
 * of a killed worker is taken over by another.
 */
export async function createJobQueue({
  connectionString,
  definitions,
  log,
  superviseIntervalSeconds = 30,
  retryDelaySeconds = 30,
  pollingIntervalSeconds = 1,
}: JobQueueOptions) {
  const boss = new PgBoss({
    connectionString,
    schema: "pgboss",
    max: 4,
    schedule: false, // cron lives in our scheduler (see scheduler.ts)
    // the supervisor fails (then retries) jobs whose heartbeat stopped; it looks at each queue at most once
    // per monitor interval, so both intervals are the same setting
    superviseIntervalSeconds,
    monitorIntervalSeconds: superviseIntervalSeconds,
    registerInstance: false,
    openTelemetry: { enabled: false },
  });
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  await boss.start();
  for (const definition of definitions) {
    const options = {
      retryLimit: 5,
      retryDelay: retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: 3600,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      expireInSeconds: 6 * 3600,
    };
    if (await boss.getQueue(definition.name)) await boss.updateQueue(definition.name, options);
    else await boss.createQueue(definition.name, options);
  }

  /** this process's workers of each queue */
  const workers = new Map<string, string[]>();
  return {
    async dispatch(name: string, runId: string): Promise<void> {
      await boss.send(name, { runId }, { id: runId });
      // a worker of this process takes it at once rather than at its next poll (up to a second later): what a
      // person started ("Lancer maintenant", an import's apply) starts when asked
      for (const workerId of workers.get(name) ?? []) boss.notifyWorker(workerId);
    },
    async work(name: string, handler: (runId: string) => Promise<void>): Promise<void> {
      const workerId = await boss.work<{ runId: string }>(
        name,
        { batchSize: 1, pollingIntervalSeconds },
        async ([job]) => {
          if (job) await handler(job.data.runId);
        },
      );
      workers.set(name, [...(workers.get(name) ?? []), workerId]);
    },
    /** stops fetching, lets running jobs finish (up to `timeoutMs`), closes the pool */
    stop(timeoutMs = 10_000) {
      return boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
    boss,
  };
}
export type JobQueue = Awaited<ReturnType<typeof createJobQueue>>;
