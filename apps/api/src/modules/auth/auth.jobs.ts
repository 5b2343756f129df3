import type { Db } from "@medimail/db/client";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";

/** Ended sessions are kept this long (who was signed in from where, for an investigation), then deleted. */
export const ENDED_SESSION_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

/** Deletes one batch of rows matched by `where` (SQL on the table's own columns); answers the count. */
async function deleteBatch(db: Db, table: string, where: string, before: Date, batchSize: number): Promise<number> {
  return db.$executeRawUnsafe(
    `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${where} LIMIT $2)`,
    before,
    batchSize,
  );
}

/**
 * Nightly: forgets what sign-in no longer needs — finished sign-in attempts, rate-limit windows that are over,
 * sessions ended for a month. Bounded batches, each committed on its own: rerun after a crash, it just goes on.
 */
export async function purgeSignInLeftovers({ db, clock, batchSize }: JobContext): Promise<JobResult> {
  const now = clock.now();
  const targets: [table: string, where: string, before: Date][] = [
    ["login_challenge", "expires_at < $1", new Date(now.getTime() - DAY_MS)],
    ["one_time_code", "expires_at < $1", new Date(now.getTime() - DAY_MS)],
    ["rate_limit_counter", "expires_at < $1", now],
    [
      "session",
      "(expires_at < $1 OR revoked_at < $1)",
      new Date(now.getTime() - ENDED_SESSION_RETENTION_DAYS * DAY_MS),
    ],
  ];
  let processed = 0;
  for (const [table, where, before] of targets) {
    for (;;) {
      const deleted = await deleteBatch(db, table, where, before, batchSize);
      processed += deleted;
      if (deleted < batchSize) break;
    }
  }
  return { processed, failed: 0 };
}

export const AUTH_JOB_NAMES = { signInCleanup: "auth.cleanup" } as const;

export function createAuthJobDefinitions(): JobDefinition[] {
  return [
    {
      name: AUTH_JOB_NAMES.signInCleanup,
      label: "Nettoyage des connexions",
      description:
        "Efface les tentatives de connexion terminées, les compteurs anti-rejeu expirés et les sessions closes depuis 30 jours.",
      cron: "30 4 * * *",
      handler: purgeSignInLeftovers,
    },
  ];
}
