import type { Db } from "@medimail/db/client";

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * Increments a fixed-window counter shared by every API instance (one atomic upsert) and returns the count
 * in the window and the milliseconds left in it.
 */
export async function incrementCounter(
  db: Db,
  key: string,
  windowMs: number,
): Promise<{ count: number; ttlMs: number }> {
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
}

/** The count of a window still open (0 when there is none). */
export async function readCounter(db: Db, key: string): Promise<number> {
  const row = await db.rateLimitCounter.findUnique({ where: { key }, select: { count: true, expiresAt: true } });
  return row && row.expiresAt > new Date() ? row.count : 0;
}

/** When the open window of `key` ends (null when there is none). */
export async function windowEnd(db: Db, key: string): Promise<Date | null> {
  const row = await db.rateLimitCounter.findUnique({ where: { key }, select: { expiresAt: true } });
  return row && row.expiresAt > new Date() ? row.expiresAt : null;
}

/**
 * A store for @fastify/rate-limit that keeps its counters in PostgreSQL, so a limit holds across instances
 * and restarts. `onLimitReached` is called once per key and window, when the first request over the limit
 * arrives (for the audit log).
 */
export function databaseRateLimitStore(db: Db, onLimitReached: (key: string) => Promise<void>) {
  return class DatabaseRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      incrementCounter(db, `ip:${key}`, timeWindow)
        .then(async ({ count, ttlMs }) => {
          if (count === max + 1) await onLimitReached(key).catch(() => undefined);
          callback(null, { current: count, ttl: ttlMs });
        })
        .catch((error: Error) => callback(error));
    }

    child(): DatabaseRateLimitStore {
      return new DatabaseRateLimitStore();
    }
  };
}
