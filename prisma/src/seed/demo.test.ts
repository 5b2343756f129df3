import { isValidRpps } from "@medimail/domain/identifiers";
import { inactivityDeletionThreshold, inactivityNoticeThreshold } from "@medimail/domain/lifecycle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db, type Prisma } from "../client.ts";
import { createTestDatabase, type TestDatabase } from "../testing.ts";
import { DEMO_LOGINS, isEmpty, seedDemo } from "./demo.ts";

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe("demo data", () => {
  it("fills an empty database with every kind of account, addresses and traffic", async () => {
    expect(await isEmpty(db)).toBe(true);
    const loadedAt = new Date();
    const counts = await seedDemo(db, loadedAt);
    expect(await isEmpty(db)).toBe(false);
    expect(counts.accounts).toBeGreaterThanOrEqual(200);
    expect(counts.messages).toBeGreaterThan(2000);

    const types = await db.account.groupBy({ by: ["type"], _count: true });
    expect(types.map((t) => t.type).sort()).toEqual(["APP", "INT", "MED", "ORG", "PER"]);
    const states = await db.account.groupBy({ by: ["state"], _count: true });
    expect(states.map((s) => s.state).sort()).toEqual(["PENDING_VALIDATION", "PREREGISTERED", "REJECTED", "VALIDATED"]);

    // rejected accounts remember the state "Réhabiliter" restores; others have none
    expect(await db.account.count({ where: { state: "REJECTED", previousState: null } })).toBe(0);
    expect(await db.account.count({ where: { state: { not: "REJECTED" }, previousState: { not: null } } })).toBe(0);
    // MED accounts never get an MSSanté address
    expect(await db.mssAddress.count({ where: { account: { type: "MED" } } })).toBe(0);
    expect(await db.mssAddress.count()).toBeGreaterThan(50);

    // every demo structure has its INSEE commune (Localisation shows département and région, and saves)
    expect(await db.structure.count({ where: { OR: [{ cityInseeCode: null }, { regionCode: null }] } })).toBe(0);
    // every demo RPPS carries its Luhn key
    const rpps = await db.account.findMany({ where: { rpps: { not: null } }, select: { rpps: true } });
    expect(rpps.length).toBeGreaterThan(50);
    expect(rpps.filter((account) => !isValidRpps(account.rpps as string))).toEqual([]);

    for (const login of DEMO_LOGINS) {
      const account = await db.account.findUniqueOrThrow({ where: { email: login.email } });
      expect(account.passwordHash).toMatch(/^scrypt\$/);
    }
    // messages fall on working hours
    const hours = await db.$queryRaw<
      { h: number }[]
    >`SELECT DISTINCT extract(hour FROM sent_at)::int AS h FROM message`;
    expect(Math.min(...hours.map((r) => r.h))).toBeGreaterThanOrEqual(6);
    expect(Math.max(...hours.map((r) => r.h))).toBeLessThanOrEqual(16);

    // dates agree with the clock at load time: no traffic in the future (the home chart would count it), and the
    // nightly inactivity job finds nothing to mail or delete at the first start
    expect(await db.message.count({ where: { sentAt: { gt: loadedAt } } })).toBe(0);
    const expiring: Prisma.AccountWhereInput = {
      state: "VALIDATED",
      type: { in: ["MED", "PER", "INT"] },
      platformRole: null,
    };
    expect(
      await db.account.count({
        where: { ...expiring, inactivityNoticeAt: null, lastActivityAt: { lt: inactivityNoticeThreshold(loadedAt) } },
      }),
    ).toBe(0);
    expect(
      await db.account.count({ where: { inactivityNoticeAt: { lt: inactivityDeletionThreshold(loadedAt) } } }),
    ).toBe(0);
    expect(await db.account.count({ where: { ...expiring, inactivityNoticeAt: { not: null } } })).toBeGreaterThan(0);
  });
});
