import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { createSignInCleanupRepository, type SignInLeftovers } from "./sign-in-cleanup.repository.ts";

/** Ended sessions are kept this long (who was signed in from where, for an investigation), then deleted. */
export const ENDED_SESSION_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Nightly: forgets what sign-in no longer needs — finished sign-in attempts, rate-limit windows that are over,
 * sessions ended for a month. Bounded batches, each committed on its own: rerun after a crash, it just goes on.
 */
export async function purgeSignInLeftovers({ db, clock, batchSize }: JobContext): Promise<JobResult> {
  const now = clock.now();
  const leftovers = createSignInCleanupRepository(db);
  const targets: [what: SignInLeftovers, before: Date][] = [
    ["loginChallenges", new Date(now.getTime() - DAY_MS)],
    ["oneTimeCodes", new Date(now.getTime() - DAY_MS)],
    ["rateLimitCounters", now],
    ["endedSessions", new Date(now.getTime() - ENDED_SESSION_RETENTION_DAYS * DAY_MS)],
  ];
  let processed = 0;
  for (const [what, before] of targets) {
    for (;;) {
      const deleted = await leftovers.deleteBatch(what, before, batchSize);
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
