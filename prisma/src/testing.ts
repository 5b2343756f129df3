import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded.ts";
import { applyMigrations } from "./migrations.ts";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty PostgreSQL database for one test file: a new database on the server named by
 * TEST_DATABASE_URL when set, otherwise a new in-memory PGlite. Migrated unless `migrate: false`.
 */
export async function createTestDatabase({ migrate = true } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let database: TestDatabase;
  if (serverUrl) {
    const name = `medimail_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    database = {
      url: url.toString(),
      async drop() {
        if (!name.startsWith("medimail_test_")) throw new Error(`refusing to drop ${name}: not a test database`);
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  } else {
    const embedded = await startEmbeddedPostgres();
    database = { url: embedded.url, drop: () => embedded.stop() };
  }
  if (migrate) await applyMigrations(database.url);
  return database;
}
