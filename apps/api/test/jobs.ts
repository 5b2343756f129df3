import type { Db } from "@medimail/db/client";
import pino from "pino";
import { startBackground } from "../src/jobs/background.ts";
import type { Clock, JobContext } from "../src/jobs/job-definition.ts";

export const silentLog = pino({ level: "silent" });

/** A clock tests move by hand. */
export function fakeClock(iso: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let current = new Date(iso);
  return {
    now: () => new Date(current.getTime()),
    set(next: string) {
      current = new Date(next);
    },
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
  };
}

export function jobContext(db: Db, clock: Clock, batchSize = 7): JobContext {
  return { db, clock, batchSize, log: silentLog, runId: crypto.randomUUID() };
}

/** Polls until `check` answers true, or fails after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The background of a test app: the real SMTP catcher (random port), the pg-boss queue on the test database,
 * workers when asked, and no scheduler ticking on its own (tests tick it).
 */
export function startTestBackground(
  db: Db,
  databaseUrl: string,
  { runWorkers = true, clock }: { runWorkers?: boolean; clock?: Clock } = {},
) {
  return startBackground({
    config: {
      SMTP_URL: undefined,
      SMTP_CATCHER_PORT: 0,
      MAIL_FROM: "Medimail <ne-pas-repondre@test.local>",
      RUN_WORKERS: runWorkers,
      JOB_BATCH_SIZE: 50,
      IMPORT_BATCH_SIZE: 50,
      JOBS_SUPERVISE_SECONDS: 30,
      JOBS_RETRY_DELAY_SECONDS: 1,
    },
    db,
    databaseUrl,
    log: silentLog,
    ...(clock ? { clock } : {}),
    schedulerIntervalMs: 0,
  });
}
