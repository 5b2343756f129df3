import { createDb } from "@medimail/db/client";
import { startEmbeddedPostgres } from "@medimail/db/embedded";
import { applyMigrations } from "@medimail/db/migrations";
import { createTestDatabase } from "@medimail/db/testing";

/**
 * A fresh migrated database for a benchmark: a new database on BENCH_DATABASE_URL's server when set
 * (the machine's PostgreSQL), otherwise the embedded PGlite, as a new user runs the console.
 */
export async function openBenchDatabase() {
  if (process.env.BENCH_DATABASE_URL) {
    process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
    const database = await createTestDatabase();
    return {
      kind: "PostgreSQL server",
      url: database.url,
      db: createDb({ connectionString: database.url }),
      drop: database.drop,
    };
  }
  const embedded = await startEmbeddedPostgres();
  await applyMigrations(embedded.url);
  return {
    kind: "embedded PGlite",
    url: embedded.url,
    db: createDb({ connectionString: embedded.url, max: 4 }),
    drop: embedded.stop,
  };
}
