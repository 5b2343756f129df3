import type { DbTx } from "@medimail/db/client";

/** Fixed-window counters shared by every API instance (rate limits, password failures of unknown addresses). */
export function createRateLimitRepository(db: DbTx) {
  return {
    /**
     * Increments a fixed-window counter (one atomic upsert) and returns the count in the window and the milliseconds
     * left in it.
     */
    async increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
      const [row] = await db.$queryRaw<{ count: number; ttlMs: number }[]>`
        INSERT INTO rate_limit_counter (key, count, expires_at)
        VALUES (${key}, 1, clock_timestamp() + ${windowMs} * interval '1 millisecond')
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN rate_limit_counter.expires_at <= clock_timestamp() THEN 1 ELSE rate_limit_counter.count + 1 END,
          expires_at = CASE WHEN rate_limit_counter.expires_at <= clock_timestamp()
                            THEN EXCLUDED.expires_at ELSE rate_limit_counter.expires_at END
        RETURNING count, GREATEST(0, floor(extract(epoch FROM expires_at - clock_timestamp()) * 1000))::int AS "ttlMs"`;
      if (!row) throw new Error("rate limit counter: no row returned");
      return row;
    },

    /** The count of a window still open (0 when there is none). */
    async read(key: string): Promise<number> {
      const row = await db.rateLimitCounter.findUnique({ where: { key }, select: { count: true, expiresAt: true } });
      return row && row.expiresAt > new Date() ? row.count : 0;
    },

    /** When the open window of `key` ends (null when there is none). */
    async windowEnd(key: string): Promise<Date | null> {
      const row = await db.rateLimitCounter.findUnique({ where: { key }, select: { expiresAt: true } });
      return row && row.expiresAt > new Date() ? row.expiresAt : null;
    },
  };
}
export type RateLimitRepository = ReturnType<typeof createRateLimitRepository>;
