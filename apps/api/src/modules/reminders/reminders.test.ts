import { randomUUID } from "node:crypto";
import { LastReminder, RemindAllResult } from "@medimail/contracts/bulk";
import type { Account } from "@medimail/db/client";
import { createAccount, createAccounts, createStructure } from "@medimail/db/seed/factories";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/test-app.ts";
import { createScope } from "../../lib/scope.ts";
import { createAccountsRepository } from "../accounts/accounts.repository.ts";
import { mailsTo, requester, seedWorld, tokenInMail, type World } from "../accounts/accounts.test-support.ts";
import { parisWallClock } from "../exports/exports-writers.ts";
import { createRemindersService } from "./reminders.service.ts";

// "Relancer vos utilisateurs préinscrits" on a real database: who is reminded, the mails and links, the batch id,
// the refusal of a second batch within a minute, an interrupted batch resumed without reminding anyone twice, the
// last reminder's date and its export.

const t = useTestApp();
const send = requester(t);
let w: World;
let chuPreregistered: Account[];
let purpanPreregistered: Account;
let chuOthers: Account[];

beforeAll(async () => {
  w = await seedWorld(t.db);
  chuPreregistered = [
    await createAccount(t.db, w.chu, { type: "MED", state: "PREREGISTERED", rpps: null, lastName: "Azéma" }),
    await createAccount(t.db, w.chu, { type: "PER", state: "PREREGISTERED", lastName: "Bousquet" }),
    await createAccount(t.db, w.chu, { type: "INT", state: "PREREGISTERED", lastName: "Cazals" }),
  ];
  chuOthers = [
    await createAccount(t.db, w.chu, { state: "VALIDATED" }),
    await createAccount(t.db, w.chu, { state: "PENDING_VALIDATION" }),
    await createAccount(t.db, w.chu, { state: "REJECTED", previousState: "PREREGISTERED", rejectedAt: new Date() }),
  ];
  purpanPreregistered = await createAccount(t.db, w.purpan, { state: "PREREGISTERED" });
});

const remindAll = (structureId: string, daughters: boolean, who = w.admin) =>
  send(who, "POST", `/api/structures/${structureId}/reminders`, { daughters });
const lastReminder = async (structureId: string, daughters = false, who = w.admin) => {
  const response = await send(who, "GET", `/api/structures/${structureId}/reminders/last?daughters=${daughters}`);
  expect(response.statusCode, response.body).toBe(200);
  return LastReminder.parse(response.json());
};
/** Moves a batch's reminders (and the accounts' last reminder) `ms` into the past. */
async function age(batchId: string, ms: number) {
  await t.db
    .$executeRaw`UPDATE reminder SET sent_at = sent_at - ${ms} * interval '1 millisecond' WHERE batch_id = ${batchId}::uuid`;
  await t.db.$executeRaw`
    UPDATE account SET last_reminder_at = last_reminder_at - ${ms} * interval '1 millisecond'
     WHERE id IN (SELECT account_id FROM reminder WHERE batch_id = ${batchId}::uuid)`;
}

describe("reminding every pre-registered user", () => {
  let batchId: string;

  it("has no last reminder at first", async () => {
    expect(await lastReminder(w.chu)).toEqual({ lastReminderAt: null, count: 0 });
  });

  it("sends each pre-registered account of the structure a fresh registration link, in one batch", async () => {
    const before = new Date();
    const response = await remindAll(w.chu, false);
    expect(response.statusCode, response.body).toBe(200);
    const result = RemindAllResult.parse(response.json());
    expect(result.count).toBe(3);
    expect(result.batchId).toMatch(/^[0-9a-f-]{36}$/);
    batchId = result.batchId ?? "";

    for (const account of chuPreregistered) {
      const reminders = await t.db.reminder.findMany({ where: { accountId: account.id } });
      expect(reminders).toHaveLength(1);
      expect(reminders[0]).toMatchObject({ batchId, sentById: expect.any(String) });
      const mails = await mailsTo(t.db, account.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toBe("Rappel : finalisez votre inscription à Medimail");
      expect(mails[0]?.idempotencyKey).toBe(`reminder:${reminders[0]?.id}`);
      expect(mails[0]?.text).toContain("CHU de Toulouse");
      const token = tokenInMail(mails[0]?.text ?? "", "/inscription/finaliser");
      const code = await t.db.oneTimeCode.findUniqueOrThrow({ where: { id: token.split(".")[0] } });
      expect(code).toMatchObject({ accountId: account.id, purpose: "REGISTRATION", consumedAt: null });
      const after = await t.db.account.findUniqueOrThrow({ where: { id: account.id } });
      expect(after.lastReminderAt?.getTime()).toBeGreaterThanOrEqual(before.getTime());
    }
    // only pre-registered accounts, only this structure
    for (const account of [...chuOthers, purpanPreregistered]) {
      expect(await t.db.reminder.count({ where: { accountId: account.id } }), account.state).toBe(0);
      expect(await mailsTo(t.db, account.email)).toHaveLength(0);
    }
  });

  it("is audited: the batch with its count, and each account's reminder", async () => {
    const [event] = await t.db.auditEvent.findMany({ where: { action: "account.reminded-all" } });
    expect(event).toMatchObject({
      actorLabel: w.adminEmail,
      entityType: "reminder-batch",
      entityId: batchId,
      structureId: w.chu,
      after: { daughters: false, count: 3 },
    });
    for (const account of chuPreregistered) {
      const events = await t.db.auditEvent.findMany({ where: { entityId: account.id, action: "account.reminded" } });
      expect(events).toHaveLength(1);
      expect(events[0]?.after).toEqual({ batchId });
    }
  });

  it("shows the batch's date and size as the last reminder", async () => {
    const last = await lastReminder(w.chu);
    expect(last.count).toBe(3);
    expect(Date.now() - new Date(last.lastReminderAt ?? 0).getTime()).toBeLessThan(60_000);
    // purpan's administrator sees purpan's own (none); the root with daughters sees the batch
    expect(await lastReminder(w.purpan, false, w.purpanAdmin)).toEqual({ lastReminderAt: null, count: 0 });
    expect((await lastReminder(w.root, true, w.operator)).count).toBe(3);
  });

  it("refuses a second batch within a minute (a double click), with a French message", async () => {
    for (const who of [w.admin, w.admin2]) {
      const again = await remindAll(w.chu, false, who);
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toMatch(/relancés à \d\d:\d\d:\d\d, il y a moins d'une minute/);
    }
    // with the daughters too: the structure's accounts were just reminded
    expect((await remindAll(w.chu, true)).statusCode).toBe(409);
    expect(await t.db.reminder.count()).toBe(3);
  });

  it("sends a new batch once the minute has passed, with the daughters when asked", async () => {
    await age(batchId, 61_000);
    const response = await remindAll(w.chu, true);
    expect(response.statusCode, response.body).toBe(200);
    const result = RemindAllResult.parse(response.json());
    expect(result.count).toBe(4);
    expect(result.batchId).not.toBe(batchId);
    expect(await mailsTo(t.db, purpanPreregistered.email)).toHaveLength(1);
    for (const account of chuPreregistered) expect(await mailsTo(t.db, account.email)).toHaveLength(2);
    expect(await lastReminder(w.chu, true)).toMatchObject({ count: 4 });
    // seen from the structure alone, the batch reached its 3 accounts
    expect(await lastReminder(w.chu, false)).toMatchObject({ count: 3 });
  });

  it("answers 0 and no batch when nobody is pre-registered", async () => {
    const response = await remindAll(w.castres, false, w.castresAdmin);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ count: 0, batchId: null });
    expect(await lastReminder(w.castres, false, w.castresAdmin)).toEqual({ lastReminderAt: null, count: 0 });
  });

  it("takes a single reminder as the last one, with a count of 1", async () => {
    const [first] = chuPreregistered;
    // reminded by the batch above seconds ago: a single reminder waits a minute after any other
    await t.db.account.update({ where: { id: first?.id }, data: { lastReminderAt: new Date(Date.now() - 61_000) } });
    const response = await send(w.admin, "POST", `/api/accounts/${first?.id}/remind`);
    expect(response.statusCode, response.body).toBe(200);
    expect(await lastReminder(w.chu)).toMatchObject({ count: 1 });
  });
});

describe("the last reminder's export", () => {
  it("lists the accounts of the last reminder, its date and their state now", async () => {
    const site = await createStructure(t.db, { name: "Clinique Pasteur", parentId: w.chu });
    const accounts = [
      await createAccount(t.db, site.id, { state: "PREREGISTERED", lastName: "Arnal", email: "arnal@pasteur.fr" }),
      await createAccount(t.db, site.id, { state: "PREREGISTERED", lastName: "=Barthe", email: "barthe@pasteur.fr" }),
    ];
    const response = await remindAll(site.id, false, w.admin);
    expect(response.json().count).toBe(2);
    // one of them finished registering since
    await t.db.account.update({ where: { id: accounts[0]?.id }, data: { state: "VALIDATED" } });
    const reminder = await t.db.reminder.findFirstOrThrow({ where: { accountId: accounts[0]?.id } });

    const file = await send(w.admin, "GET", `/api/structures/${site.id}/exports/last-reminder.xlsx`);
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-disposition"]).toMatch(
      /filename="derniere-relance-clinique-pasteur-\d{4}-\d\d-\d\d\.xlsx"/,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet("Dernière relance");
    const rows: unknown[][] = [];
    sheet?.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows[0]).toEqual(["Adresse mail", "Nom", "Prénom", "Type de BAL", "Structure", "Relancé le", "État actuel"]);
    // in the lists' order ("=barthe" before "arnal")
    expect(rows.slice(1).map((row) => [row[0], row[1], row[4], row[6]])).toEqual([
      ["barthe@pasteur.fr", "'=Barthe", "Clinique Pasteur", "Préinscrit"],
      ["arnal@pasteur.fr", "Arnal", "Clinique Pasteur", "Validé"],
    ]);
    // the date as Paris's clock shows it
    expect((rows[2]?.[5] as Date | undefined)?.getTime()).toBe(parisWallClock(reminder.sentAt).getTime());
  });

  it("has its headers only when no reminder was ever sent; 404 outside the scope", async () => {
    const file = await send(w.castresAdmin, "GET", `/api/structures/${w.castres}/exports/last-reminder.xlsx`);
    expect(file.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.rawPayload as unknown as ExcelJS.Buffer);
    expect(workbook.getWorksheet("Dernière relance")?.actualRowCount).toBe(1);
    expect((await send(w.castresAdmin, "GET", `/api/structures/${w.chu}/exports/last-reminder.xlsx`)).statusCode).toBe(
      404,
    );
  });
});

describe("an interrupted batch", () => {
  let structureId: string;
  let accounts: Account[];
  let adminHeaders: World["admin"];

  beforeAll(async () => {
    structureId = (await createStructure(t.db, { name: "Hôpital interrompu", parentId: w.castres })).id;
    accounts = [];
    for (let i = 0; i < 5; i++) {
      accounts.push(
        await createAccount(t.db, structureId, {
          state: "PREREGISTERED",
          email: `coupe.${i}@exemple.fr`,
          // pre-registered well before the batch
          createdAt: new Date(Date.now() - 86_400_000),
        }),
      );
    }
    adminHeaders = w.castresAdmin;
  });

  /** What a batch's request had committed before it died: its first accounts, `secondsAgo`. */
  async function interruptedBatch(reminded: Account[], secondsAgo: number) {
    const batchId = randomUUID();
    const sentAt = new Date(Date.now() - secondsAgo * 1000);
    for (const account of reminded) {
      await t.db.reminder.create({ data: { accountId: account.id, batchId, sentAt } });
      await t.db.account.update({ where: { id: account.id }, data: { lastReminderAt: sentAt } });
    }
    return { batchId, sentAt };
  }

  it("is refused while it still progresses (its last reminder a few seconds old)", async () => {
    const { batchId } = await interruptedBatch(accounts.slice(0, 1), 3);
    const response = await remindAll(structureId, false, adminHeaders);
    expect(response.statusCode).toBe(409);
    expect(response.json().message).toMatch(/est en cours depuis \d\d:\d\d:\d\d/);
    await t.db.reminder.deleteMany({ where: { batchId } });
    await t.db.account.updateMany({ where: { structureId }, data: { lastReminderAt: null } });
  });

  it("is resumed under its id once stalled: the rest is reminded, nobody twice", async () => {
    const { batchId, sentAt } = await interruptedBatch(accounts.slice(0, 2), 20);
    const response = await remindAll(structureId, false, adminHeaders);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ count: 5, batchId });
    for (const [index, account] of accounts.entries()) {
      expect(await t.db.reminder.count({ where: { accountId: account.id } }), account.email).toBe(1);
      // the first two were mailed by the interrupted request (not written here): no second mail
      expect(await mailsTo(t.db, account.email), account.email).toHaveLength(index < 2 ? 0 : 1);
    }
    // the batch keeps its start as its date
    const last = await lastReminder(structureId, false, adminHeaders);
    expect(last).toEqual({ lastReminderAt: sentAt.toISOString(), count: 5 });
    const finished = await t.db.auditEvent.findMany({ where: { action: "account.reminded-all", entityId: batchId } });
    expect(finished).toHaveLength(1);
    expect(finished[0]?.after).toMatchObject({ count: 5 });
    // finished now: a new request within the minute is refused
    expect((await remindAll(structureId, false, adminHeaders)).statusCode).toBe(409);
  });
});

describe("batches of many accounts", () => {
  it("reminds every account once, in several transactions under one batch id, and asks for delivery", async () => {
    const structure = await createStructure(t.db, { name: "Grand CHU" });
    const created = await createAccounts(t.db, structure.id, 45, () => ({ state: "PREREGISTERED" }));
    let deliveries = 0;
    const service = createRemindersService({
      db: t.db,
      scope: createScope(t.db),
      accounts: createAccountsRepository(t.db),
      deliverMailSoon: () => void deliveries++,
      publicUrl: "http://localhost:3000",
      chunkSize: 10,
    });
    const operator = await t.db.account.findFirstOrThrow({ where: { platformRole: "OPERATOR" } });
    const principal = {
      accountId: operator.id,
      platformRole: "OPERATOR" as const,
      administeredStructureIds: [],
      supportStructureIds: [],
    };
    const actor = { id: operator.id, label: operator.email, ip: null, requestId: null };
    const result = await service.remindAll(principal, structure.id, false, actor);
    expect(result.count).toBe(45);
    const reminders = await t.db.reminder.findMany({ where: { batchId: result.batchId } });
    expect(reminders).toHaveLength(45);
    expect(new Set(reminders.map((reminder) => reminder.accountId))).toEqual(new Set(created.map((row) => row.id)));
    // five transactions: four of 10, then the last 5 (fewer than 10: the batch is finished); delivery after each
    expect(deliveries).toBe(5);
    expect(
      await t.db.outboxMail.count({ where: { idempotencyKey: { in: reminders.map((r) => `reminder:${r.id}`) } } }),
    ).toBe(45);
  });
});

describe("access", () => {
  it("404 outside the scope, 403 for support (read-only), 401 signed out; support may read the last reminder", async () => {
    const outside = await remindAll(w.chu, false, w.castresAdmin);
    expect(outside.statusCode).toBe(404);
    expect((await remindAll(w.chu, false, w.purpanAdmin)).statusCode).toBe(404);
    const support = await remindAll(w.chu, false, w.support);
    expect(support.statusCode).toBe(403);
    expect(support.json()).toMatchObject({ code: "FORBIDDEN" });
    expect(
      (await t.app.inject({ method: "POST", url: `/api/structures/${w.chu}/reminders`, payload: {} })).statusCode,
    ).toBe(401);
    expect((await lastReminder(w.chu, false, w.support)).count).toBeGreaterThan(0);
    expect((await send(w.castresAdmin, "GET", `/api/structures/${w.chu}/reminders/last`)).statusCode).toBe(404);
  });
});
