import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeCatalog } from "./catalog.ts";
import { MIGRATIONS_DIR } from "./migrations.ts";
import { diffSchemas } from "./schema-engine.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

const schema = readFileSync(path.resolve(MIGRATIONS_DIR, "..", "schema.prisma"), "utf8");

async function databaseBuiltFromSchema(schemaText: string): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false });
  const sql = await diffSchemas(null, schemaText);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(sql);
  await client.end();
  return database;
}

/**
 * The drift test: one database built by applying every migration in order, one built straight from
 * schema.prisma; their catalogs (enums, columns, types, defaults, indexes, constraints) must be equal.
 */
describe("migrations and schema.prisma", () => {
  let migrated: TestDatabase;
  let fromSchema: TestDatabase;
  beforeAll(async () => {
    migrated = await createTestDatabase();
    fromSchema = await databaseBuiltFromSchema(schema);
  });
  afterAll(async () => {
    await migrated?.drop();
    await fromSchema?.drop();
  });

  it("describe the same database", async () => {
    const expected = await describeCatalog(fromSchema.url);
    expect(expected.length).toBeGreaterThan(100);
    expect(await describeCatalog(migrated.url)).toEqual(expected);
  });

  it("start the next migration where the last one ended (the snapshot db:diff keeps is schema.prisma)", () => {
    const snapshot = readFileSync(path.join(MIGRATIONS_DIR, "schema.snapshot.prisma"), "utf8");
    expect(snapshot, "schema.prisma changed without `pnpm db:diff <name>`").toBe(schema);
  });

  it("would be caught drifting: a column added to the schema without a migration", async () => {
    const withExtraColumn = schema.replace(/(model Account \{\n)/, "$1  nickname String? @db.VarChar(50)\n");
    expect(withExtraColumn).not.toBe(schema);
    const drifted = await databaseBuiltFromSchema(withExtraColumn);
    try {
      const migratedLines = new Set(await describeCatalog(migrated.url));
      const difference = (await describeCatalog(drifted.url)).filter((line) => !migratedLines.has(line));
      expect(difference).toEqual(["column account nickname varchar 50 YES"]);
    } finally {
      await drifted.drop();
    }
  });
});
