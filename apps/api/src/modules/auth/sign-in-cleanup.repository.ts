import type { DbTx } from "@medimail/db/client";

/** The tables the nightly sign-in cleanup empties, each with its condition on its own columns ($1: the cut-off). */
const TARGETS = {
  loginChallenges: ["login_challenge", "expires_at < $1"],
  oneTimeCodes: ["one_time_code", "expires_at < $1"],
  rateLimitCounters: ["rate_limit_counter", "expires_at < $1"],
  endedSessions: ["session", "(expires_at < $1 OR revoked_at < $1)"],
} as const;
export type SignInLeftovers = keyof typeof TARGETS;

/** What sign-in leaves behind, deleted in bounded batches. */
export function createSignInCleanupRepository(db: DbTx) {
  return {
    /** Deletes one batch of `what` older than `before`; answers the count. */
    deleteBatch(what: SignInLeftovers, before: Date, batchSize: number): Promise<number> {
      const [table, where] = TARGETS[what];
      return db.$executeRawUnsafe(
        `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${where} LIMIT $2)`,
        before,
        batchSize,
      );
    },
  };
}
