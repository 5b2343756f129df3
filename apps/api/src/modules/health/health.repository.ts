import type { DbTx } from "@medimail/db/client";

/** The readiness probe's query. */
export function createHealthRepository(db: DbTx) {
  return {
    /** Resolves when the database answers a trivial query. */
    async ping(): Promise<void> {
      await db.$queryRaw`SELECT 1`;
    },
  };
}
