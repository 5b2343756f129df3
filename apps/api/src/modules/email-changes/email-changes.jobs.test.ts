import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { describe, expect, it } from "vitest";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { useTestDb } from "../../../test/test-app.ts";
import { applyEmailChanges } from "./email-changes.jobs.ts";

const t = useTestDb();
const clock = fakeClock("2026-11-26T02:00:00Z"); // 03:00 in Paris

async function snapshot() {
  const [accounts, requests, audits, mails, addresses] = await Promise.all([
    t.db.account.findMany({ orderBy: { id: "asc" } }),
    t.db.emailChangeRequest.findMany({ orderBy: { id: "asc" } }),
    t.db.auditEvent.count(),
    t.db.outboxMail.count(),
    t.db.mssAddress.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { accounts, requests, audits, mails, addresses };
}

describe("nightly email change job", () => {
  it("applies pending requests once: login, search key, audit, mail, directory republication", async () => {
    const structure = await createStructure(t.db);
    const accounts = await Promise.all(
      Array.from({ length: 15 }, (_, i) => createAccount(t.db, structure.id, { email: `ancien.${i}@chu.fr` })),
    );
    await t.db.mssAddress.create({
      data: {
        accountId: (accounts[0] as { id: string }).id,
        address: "a.b@chu.mssante.fr",
        publicationStatus: "PUBLISHED",
      },
    });
    for (const [i, account] of accounts.entries()) {
      await t.db.emailChangeRequest.create({
        data: {
          accountId: account.id,
          oldEmail: account.email,
          newEmail: `Nouveau.${i}@CHU.fr`,
          requestedAt: new Date("2026-11-25T10:00:00Z"),
        },
      });
    }
    // requested after the run started: waits for the next night
    const late = await createAccount(t.db, structure.id);
    await t.db.emailChangeRequest.create({
      data: {
        accountId: late.id,
        oldEmail: late.email,
        newEmail: "tard@chu.fr",
        requestedAt: new Date("2026-11-26T02:30:00Z"),
      },
    });

    const result = await applyEmailChanges(jobContext(t.db, clock));
    expect(result).toEqual({ processed: 15, failed: 0 });

    const first = accounts[0] as { id: string };
    const updated = await t.db.account.findUniqueOrThrow({ where: { id: first.id } });
    expect(updated.email).toBe("nouveau.0@chu.fr");
    expect(updated.searchText).toContain("nouveau.0@chu.fr");
    expect(await t.db.emailChangeRequest.count({ where: { status: "DONE", doneAt: clock.now() } })).toBe(15);
    expect(await t.db.emailChangeRequest.count({ where: { status: "PENDING" } })).toBe(1);
    expect(await t.db.auditEvent.count({ where: { action: "account.email-changed" } })).toBe(15);
    expect(await t.db.outboxMail.count({ where: { idempotencyKey: { startsWith: "email-change-applied:" } } })).toBe(
      15,
    );
    expect((await t.db.mssAddress.findFirstOrThrow({ where: { accountId: first.id } })).publicationStatus).toBe(
      "PENDING",
    );

    // run twice: the second run changes nothing
    const before = await snapshot();
    expect(await applyEmailChanges(jobContext(t.db, clock))).toEqual({ processed: 0, failed: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an address another account already uses, and says why", async () => {
    const structure = await createStructure(t.db);
    const holder = await createAccount(t.db, structure.id, { email: "pris@chu.fr" });
    const asker = await createAccount(t.db, structure.id);
    const request = await t.db.emailChangeRequest.create({
      data: {
        accountId: asker.id,
        oldEmail: asker.email,
        newEmail: "PRIS@chu.fr",
        requestedAt: new Date("2026-11-25T00:00:00Z"),
      },
    });
    expect(await applyEmailChanges(jobContext(t.db, clock))).toEqual({ processed: 0, failed: 1 });
    const done = await t.db.emailChangeRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(done.status).toBe("FAILED");
    expect(done.failureReason).toBe("Adresse déjà utilisée par un autre compte");
    expect((await t.db.account.findUniqueOrThrow({ where: { id: asker.id } })).email).toBe(asker.email);
    expect((await t.db.account.findUniqueOrThrow({ where: { id: holder.id } })).email).toBe("pris@chu.fr");
  });
});
