import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { describe, expect, it } from "vitest";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { useTestDb } from "../../../test/test-app.ts";
import { processInactiveAccounts, purgeDefinitiveRejections } from "./accounts.jobs.ts";

const t = useTestDb();
const day = 86_400_000;

async function snapshot() {
  return {
    accounts: await t.db.account.findMany({ orderBy: { id: "asc" } }),
    deleted: await t.db.deletedAccount.findMany({ orderBy: { id: "asc" } }),
    audits: await t.db.auditEvent.count(),
    mails: await t.db.outboxMail.count(),
  };
}

describe("inactivity job", () => {
  it("notifies after six months, deletes thirty days later, spares whoever came back", async () => {
    const clock = fakeClock("2026-11-26T02:30:00Z");
    const now = clock.now().getTime();
    const structure = await createStructure(t.db);
    const active = await createAccount(t.db, structure.id, { lastActivityAt: new Date(now - 10 * day) });
    const inactive = await createAccount(t.db, structure.id, { lastActivityAt: new Date(now - 200 * day) });
    const neverUsed = await createAccount(t.db, structure.id, {
      lastActivityAt: null,
      createdAt: new Date(now - 400 * day),
    });
    const orgMailbox = await createAccount(t.db, structure.id, {
      type: "ORG",
      lastActivityAt: new Date(now - 400 * day),
    });
    const operator = await createAccount(t.db, structure.id, {
      platformRole: "OPERATOR",
      lastActivityAt: new Date(now - 400 * day),
    });
    const preregistered = await createAccount(t.db, structure.id, {
      state: "PREREGISTERED",
      lastActivityAt: null,
      createdAt: new Date(now - 400 * day),
    });
    const notifiedLongAgo = await createAccount(t.db, structure.id, {
      lastActivityAt: new Date(now - 250 * day),
      inactivityNoticeAt: new Date(now - 31 * day),
    });
    await t.db.mssAddress.create({
      data: { accountId: notifiedLongAgo.id, address: "x.y@chu.mssante.fr", publishedAddress: "x.y@chu.mssante.fr" },
    });
    const cameBack = await createAccount(t.db, structure.id, {
      lastActivityAt: new Date(now - 2 * day),
      inactivityNoticeAt: new Date(now - 40 * day),
    });

    const result = await processInactiveAccounts(jobContext(t.db, clock, 2));
    expect(result).toEqual({ processed: 4, failed: 0 }); // 1 cleared + 2 notices + 1 deletion

    const notified = await t.db.account.findMany({ where: { inactivityNoticeAt: clock.now() }, select: { id: true } });
    expect(notified.map((a) => a.id).sort()).toEqual([inactive.id, neverUsed.id].sort());
    for (const spared of [active, orgMailbox, operator, preregistered]) {
      expect((await t.db.account.findUniqueOrThrow({ where: { id: spared.id } })).inactivityNoticeAt).toBeNull();
    }
    expect((await t.db.account.findUniqueOrThrow({ where: { id: cameBack.id } })).inactivityNoticeAt).toBeNull();
    const mail = await t.db.outboxMail.findFirstOrThrow({ where: { to: { has: inactive.email } } });
    expect(mail.subject).toBe("Votre compte Medimail va être supprimé");
    expect(mail.text).toContain("26 décembre 2026");

    expect(await t.db.account.findUnique({ where: { id: notifiedLongAgo.id } })).toBeNull();
    const deleted = await t.db.deletedAccount.findUniqueOrThrow({ where: { id: notifiedLongAgo.id } });
    expect(deleted).toMatchObject({
      reason: "INACTIVITY",
      email: notifiedLongAgo.email,
      mssAddress: "x.y@chu.mssante.fr",
    });
    expect(await t.db.mssAddress.count({ where: { accountId: notifiedLongAgo.id } })).toBe(0);

    const before = await snapshot();
    expect(await processInactiveAccounts(jobContext(t.db, clock, 2))).toEqual({ processed: 0, failed: 0 });
    expect(await snapshot()).toEqual(before);

    // thirty days later the two notified accounts, still unused, are deleted
    clock.advance(30 * day + 1000);
    expect(await processInactiveAccounts(jobContext(t.db, clock, 2))).toEqual({ processed: 2, failed: 0 });
    expect(await t.db.deletedAccount.count({ where: { reason: "INACTIVITY" } })).toBe(3);
  });
});

describe("definitive rejection job", () => {
  it("purges accounts rejected over a year ago, keeping a trace without personal data", async () => {
    const clock = fakeClock("2026-11-26T03:00:00Z");
    const now = clock.now().getTime();
    const structure = await createStructure(t.db);
    const old = await createAccount(t.db, structure.id, {
      state: "REJECTED",
      previousState: "VALIDATED",
      rejectedAt: new Date(now - 370 * day),
    });
    await t.db.mssAddress.create({
      data: { accountId: old.id, address: "old@chu.mssante.fr", publishedAddress: "old@chu.mssante.fr" },
    });
    const recent = await createAccount(t.db, structure.id, {
      state: "REJECTED",
      previousState: "PREREGISTERED",
      rejectedAt: new Date(now - 300 * day),
    });

    expect(await purgeDefinitiveRejections(jobContext(t.db, clock))).toEqual({ processed: 1, failed: 0 });
    expect(await t.db.account.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await t.db.account.findUnique({ where: { id: recent.id } })).not.toBeNull();
    const trace = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "account.definitively-rejected", entityId: old.id },
    });
    const traceText = JSON.stringify({ ...trace, id: String(trace.id) });
    expect(traceText).not.toContain(old.email);
    expect(traceText).not.toContain(old.lastName);
    const deleted = await t.db.deletedAccount.findUniqueOrThrow({ where: { id: old.id } });
    expect(deleted).toMatchObject({
      reason: "REJECTION_PURGE",
      email: null,
      lastName: null,
      mssAddress: "old@chu.mssante.fr",
    });

    const before = await snapshot();
    expect(await purgeDefinitiveRejections(jobContext(t.db, clock))).toEqual({ processed: 0, failed: 0 });
    expect(await snapshot()).toEqual(before);
  });
});
