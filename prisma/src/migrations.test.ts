import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError, readMigrations } from "./migrations.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("migration runner", () => {
  it("applies every migration once and nothing on the next start", async () => {
    database = await createTestDatabase({ migrate: false });
    const all = readMigrations();
    expect(all.length).toBeGreaterThan(0);

    const first = await applyMigrations(database.url);
    expect(first.applied).toEqual(all.map((m) => m.name));
    const second = await applyMigrations(database.url);
    expect(second).toEqual({ applied: [], alreadyApplied: all.length });

    const rows = await query<{ migration_name: string; checksum: string }>(
      database.url,
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    // the same checksum as `prisma migrate` writes, so its status command agrees
    expect(rows).toEqual(all.map((m) => ({ migration_name: m.name, checksum: m.checksum })));
  });

  it("applies a migration once when two instances start at the same time", async () => {
    database = await createTestDatabase({ migrate: false });
    const url = database.url;
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    const appliedNames = results.flatMap((r) => r.applied);
    expect(appliedNames.sort()).toEqual(readMigrations().map((m) => m.name));
    const [{ count }] = (await query<{ count: string }>(url, `SELECT count(*) FROM "_prisma_migrations"`)) as [
      { count: string },
    ];
    expect(Number(count)).toBe(readMigrations().length);
  });

  it("leaves a failed migration entirely unapplied and unrecorded, then applies it once fixed", async () => {
    database = await createTestDatabase({ migrate: false });
    const broken = [
      { name: "001_ok", sql: "CREATE TABLE kept (id int);", checksum: "a" },
      { name: "002_broken", sql: "CREATE TABLE half_done (id int); SELECT 1/0;", checksum: "b" },
    ];
    await expect(applyMigrations(database.url, broken)).rejects.toThrow(MigrationError);
    await expect(applyMigrations(database.url, broken)).rejects.toThrow(/002_broken failed: division by zero/);

    const tables = await query<{ table_name: string }>(
      database.url,
      `SELECT table_name FROM information_schema.tables WHERE table_name IN ('kept', 'half_done')`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(["kept"]);
    const recorded = await query<{ migration_name: string }>(
      database.url,
      `SELECT migration_name FROM "_prisma_migrations"`,
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(["001_ok"]);

    const fixed = [
      broken[0],
      { name: "002_broken", sql: "CREATE TABLE half_done (id int);", checksum: "c" },
    ] as typeof broken;
    expect((await applyMigrations(database.url, fixed)).applied).toEqual(["002_broken"]);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    database = await createTestDatabase({ migrate: false });
    await applyMigrations(database.url, [{ name: "001", sql: "CREATE TABLE t (id int);", checksum: "x" }]);
    await expect(
      applyMigrations(database.url, [{ name: "001", sql: "CREATE TABLE t (id bigint);", checksum: "y" }]),
    ).rejects.toThrow(/001 was modified after being applied/);
  });
});
