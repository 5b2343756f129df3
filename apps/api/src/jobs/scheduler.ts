import type { Db } from "@medimail/db/client";
import { CronExpressionParser } from "cron-parser";
import type { FastifyBaseLogger } from "fastify";
import { type Clock, type JobDefinition, SCHEDULE_TIME_ZONE } from "./job-definition.ts";
import { createJobRunRepository } from "./job-run.repository.ts";
import type { JobQueue } from "./queue.ts";

/** The latest occurrence of `cron` at or before `now`. */
export function latestOccurrence(cron: string, now: Date): Date {
  const expression = CronExpressionParser.parse(cron, {
    currentDate: new Date(now.getTime() + 1),
    tz: SCHEDULE_TIME_ZONE,
  });
  return expression.prev().toDate();
}

export function nextOccurrence(cron: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: now, tz: SCHEDULE_TIME_ZONE }).next().toDate();
}

/** A run recorded but not handed to the queue after this long was lost in a crash: hand it over again. */
const REDISPATCH_AFTER_MS = 30_000;
const KEEP_RUNS_DAYS = 30;

/**
 * Turns cron occurrences into job runs. Every instance ticks; the unique (name, scheduled_for) key lets
 * exactly one of them record each occurrence, and only the one that recorded it enqueues it.
 * A missed occurrence (everything down at 03:00) is caught up at the next tick, once.
 */
export function createScheduler({
  db,
  queue,
  definitions,
  clock,
  log,
}: {
  db: Db;
  queue: JobQueue;
  definitions: JobDefinition[];
  clock: Clock;
  log: FastifyBaseLogger;
}) {
  const runs = createJobRunRepository(db);
  async function tick(): Promise<void> {
    const now = clock.now();
    for (const definition of definitions) {
      if (!definition.cron) continue;
      const occurrence = latestOccurrence(definition.cron, now);
      const runId = await runs.recordOccurrence(definition.name, occurrence);
      if (runId) {
        log.info({ job: definition.name, scheduledFor: occurrence, runId }, "job scheduled");
        await queue.dispatch(definition.name, runId);
      }
    }
    // Runs recorded by an instance that crashed before enqueueing them (dispatch is idempotent).
    const stranded = await runs.strandedSince(new Date(now.getTime() - REDISPATCH_AFTER_MS), 100);
    for (const run of stranded) await queue.dispatch(run.name, run.id);
    await runs.deleteDoneBefore(new Date(now.getTime() - KEEP_RUNS_DAYS * 86_400_000));
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  return {
    tick,
    /** ticks every `intervalMs` (default 20 s: well within each cron's minute) */
    start(intervalMs = 20_000) {
      const loop = () => {
        running = tick()
          .catch((error) => log.error({ err: error }, "scheduler tick failed"))
          .finally(() => {
            running = undefined;
          });
      };
      loop();
      timer = setInterval(loop, intervalMs);
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
