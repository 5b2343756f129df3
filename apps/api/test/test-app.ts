import { createDb, type Db } from "@medimail/db/client";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import { afterAll, beforeAll } from "vitest";
import { type App, buildApp } from "../src/app.ts";

export interface TestContext {
  app: App;
  db: Db;
  database: TestDatabase;
}

/**
 * For one test file: a fresh migrated database (real PostgreSQL when TEST_DATABASE_URL is set,
 * in-memory PGlite otherwise), a Prisma client and the app, all torn down after the file.
 */
export function useTestApp(seed?: (db: Db) => Promise<unknown>): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.db = createDb({ connectionString: context.database.url, max: 4 });
    if (seed) await seed(context.db);
    context.app = await buildApp({ db: context.db });
    await context.app.ready();
  });
  afterAll(async () => {
    await context.app?.close();
    await context.db?.$disconnect();
    await context.database?.drop();
  });
  return context;
}

/** For one test file: a fresh migrated database and a Prisma client, without the HTTP app. */
export function useTestDb(): { db: Db; database: TestDatabase } {
  const context = {} as { db: Db; database: TestDatabase };
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.db = createDb({ connectionString: context.database.url, max: 4 });
  });
  afterAll(async () => {
    await context.db?.$disconnect();
    await context.database?.drop();
  });
  return context;
}
