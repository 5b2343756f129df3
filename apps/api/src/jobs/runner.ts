import type { Db } from "@medimail/db/client";
import type { FastifyBaseLogger } from "fastify";
import type { Clock, JobDefinition } from "./job-definition.ts";

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
  return async function run(runId: string): Promise<void> {
    const jobRun = await db.jobRun.findUnique({ where: { id: runId } });
    if (!jobRun || jobRun.status === "DONE") return;
    const definition = byName.get(jobRun.name);
    if (!definition) throw new Error(`unknown job ${jobRun.name}`);
    await db.jobRun.update({
      where: { id: runId },
      data: { status: "RUNNING", startedAt: clock.now(), attempts: { increment: 1 }, error: null },
    });
    const jobLog = log.child({ job: definition.name, runId });
    try {
      const result = await definition.handler({ db, clock, batchSize, log: jobLog, runId });
      await db.jobRun.update({
        where: { id: runId },
        data: { status: "DONE", finishedAt: clock.now(), processed: result.processed, failed: result.failed },
      });
      jobLog.info(result, "job done");
    } catch (error) {
      jobLog.error({ err: error }, "job failed");
      await db.jobRun.update({
        where: { id: runId },
        data: { status: "FAILED", finishedAt: clock.now(), error: String((error as Error).message).slice(0, 2000) },
      });
      throw error;
    }
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
