import type { Db } from "@medimail/db/client";
import { createRateLimitRepository } from "./rate-limit.repository.ts";

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A store for @fastify/rate-limit that keeps its counters in PostgreSQL, so a limit holds across instances
 * and restarts. `onLimitReached` is called once per key and window, when the first request over the limit
 * arrives (for the audit log).
 */
export function databaseRateLimitStore(db: Db, onLimitReached: (key: string) => Promise<void>) {
  const counters = createRateLimitRepository(db);
  return class DatabaseRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      counters
        .increment(`ip:${key}`, timeWindow)
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
