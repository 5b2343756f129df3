import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import type { Clock, JobDefinition } from "./job-definition.ts";
import { createJobRunRepository } from "./job-run.repository.ts";

/**
 * Executes one recorded run: marks it running, calls the handler, records the outcome. A run already
 * DONE (delivered twice) is skipped; an error marks it FAILED and is rethrown so the queue retries it.
 */
export function createJobRunner({
  db,
  definitions,
  clock,
  batchSize,
  log,
}: {
  db: Db;
  definitions: JobDefinition[];
  clock: Clock;
  batchSize: number;
  log: FastifyBaseLogger;
}) {
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const runs = createJobRunRepository(db);
  return async function run(runId: string): Promise<void> {
    const jobRun = await runs.find(runId);
    if (!jobRun || jobRun.status === "DONE") return;
    const definition = byName.get(jobRun.name);
    if (!definition) throw new Error(`unknown job ${jobRun.name}`);
    await runs.markRunning(runId, clock.now());
    const jobLog = log.child({ job: definition.name, runId });
    try {
      const result = await definition.handler({ db, clock, batchSize, log: jobLog, runId });
      await runs.markDone(runId, clock.now(), result);
      jobLog.info(result, "job done");
    } catch (error) {
      jobLog.error({ err: error }, "job failed");
      await runs.markFailed(runId, clock.now(), String((error as Error).message).slice(0, 2000));
      throw error;
    }
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
