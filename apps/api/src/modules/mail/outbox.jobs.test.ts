import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { useTestDb } from "../../../test/test-app.ts";
import { preRegistrationMail } from "../accounts/account-mails.ts";
import { createSmtpMailer } from "./mailer.ts";
import { createOutboxDeliveryJob } from "./outbox.jobs.ts";
import { queueMail } from "./outbox.repository.ts";
import { type SmtpCatcher, startSmtpCatcher } from "./smtp-catcher.ts";

const t = useTestDb();
let catcher: SmtpCatcher;
let port: number;
beforeAll(async () => {
  catcher = await startSmtpCatcher();
  port = catcher.port;
});
afterAll(() => catcher?.close());

const mailer = () =>
  createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: "Medimail <ne-pas-repondre@test.local>" });

async function queue(count: number, prefix: string) {
  for (let i = 0; i < count; i++) {
    await t.db.$transaction((tx) =>
      queueMail(tx, {
        idempotencyKey: `${prefix}:${i}`,
        to: [`user${i}@exemple.fr`],
        subject: `Sujet ${i}`,
        text: "Bonjour",
      }),
    );
  }
}

describe("outbox delivery", () => {
  it("a mail queued twice with the same key exists once", async () => {
    const first = await t.db.$transaction((tx) =>
      queueMail(tx, { idempotencyKey: "once", to: ["a@b.fr"], subject: "s", text: "t" }),
    );
    const second = await t.db.$transaction((tx) =>
      queueMail(tx, { idempotencyKey: "once", to: ["a@b.fr"], subject: "s", text: "t" }),
    );
    expect([first, second]).toEqual([true, false]);
    await t.db.outboxMail.deleteMany();
  });

  it("loses nothing while SMTP is down and sends each mail once when it is back", async () => {
    // a minute ahead of the real time: the mails just queued (due "now" by the database's clock) are due
    const clock = fakeClock(new Date(Date.now() + 60_000).toISOString());
    await queue(12, "down");
    await catcher.close(); // the SMTP server goes down
    const deliver = createOutboxDeliveryJob({ mailer: mailer(), domain: "test.local" });

    const down = await deliver(jobContext(t.db, clock, 5));
    expect(down.processed).toBe(0);
    expect(down.failed).toBeGreaterThan(0);
    expect(await t.db.outboxMail.count({ where: { status: "PENDING" } })).toBe(12);
    const failed = await t.db.outboxMail.findFirstOrThrow({ where: { attempts: 1 } });
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
    expect(failed.nextAttemptAt.getTime()).toBe(clock.now().getTime() + 30_000);

    // still down at the first retry: backs off further
    clock.advance(31_000);
    await deliver(jobContext(t.db, clock, 5));

    catcher = await startSmtpCatcher({ port }); // back on the same port
    clock.advance(10 * 60_000);
    // three workers deliver at once
    const results = await Promise.all([1, 2, 3].map(() => deliver(jobContext(t.db, clock, 5))));
    expect(results.reduce((sum, r) => sum + r.processed, 0)).toBe(12);
    expect(await t.db.outboxMail.count({ where: { status: "SENT" } })).toBe(12);

    const caught = catcher.mails();
    expect(caught).toHaveLength(12);
    expect(new Set(caught.map((mail) => mail.messageId)).size).toBe(12);
    expect(new Set(caught.map((mail) => mail.subject)).size).toBe(12);
    const sent = await t.db.outboxMail.findFirstOrThrow({ where: { idempotencyKey: "down:3" } });
    expect(caught.find((mail) => mail.subject === "Sujet 3")?.messageId).toBe(sent.messageId);

    // nothing left: another run sends nothing
    clock.advance(3_600_000);
    expect(await deliver(jobContext(t.db, clock, 5))).toEqual({ processed: 0, failed: 0 });
    expect(catcher.mails()).toHaveLength(12);
  });

  it("gives up after the last attempt and keeps the error for the operators", async () => {
    await t.db.outboxMail.deleteMany();
    const clock = fakeClock(new Date(Date.now() + 60_000).toISOString());
    await t.db.outboxMail.create({
      data: { idempotencyKey: "hopeless", to: ["x@y.fr"], subject: "s", text: "t", attempts: 7 },
    });
    const deliver = createOutboxDeliveryJob({
      mailer: createSmtpMailer({ url: "smtp://127.0.0.1:1", from: "a@b.fr" }),
      domain: "test.local",
    });
    await deliver(jobContext(t.db, clock));
    const mail = await t.db.outboxMail.findUniqueOrThrow({ where: { idempotencyKey: "hopeless" } });
    expect(mail.status).toBe("FAILED");
    expect(mail.attempts).toBe(8);
    expect(mail.lastError).toBeTruthy();
  });
});

describe("what the outbox keeps", () => {
  it("empties a registration mail's body once delivered: the link and its token leave the database", async () => {
    await t.db.outboxMail.deleteMany();
    const clock = fakeClock(new Date(Date.now() + 60_000).toISOString());
    const token = "jeton-secret-0123456789abcdef";
    const link = `https://medimail-admin.example.fr/inscription?jeton=${token}`;
    const mail = preRegistrationMail(
      { id: "a", email: "claire.martin@exemple.fr", firstName: "Claire", lastName: "Martin" },
      link,
      "CHU de Rouen",
      "event-1",
      false,
    );
    await t.db.$transaction((tx) => queueMail(tx, { ...mail, html: `<a href="${link}">Finaliser</a>` }));
    await createOutboxDeliveryJob({ mailer: mailer(), domain: "test.local" })(jobContext(t.db, clock));

    // the person got the link
    expect(catcher.mails().find((caught) => caught.to.includes("claire.martin@exemple.fr"))?.text).toContain(token);
    // the database keeps what the audit needs, not the link
    const [row] = await t.db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM outbox_mail`;
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row).toMatchObject({
      status: "SENT",
      to: ["claire.martin@exemple.fr"],
      subject: mail.subject,
      idempotency_key: mail.idempotencyKey,
      text: "",
      html: null,
    });
    expect(row?.message_id).toMatch(/@test\.local>$/);
    expect(row?.sent_at).toBeInstanceOf(Date);
  });

  it("empties an abandoned mail's body too, keeping the error", async () => {
    await t.db.outboxMail.deleteMany();
    const clock = fakeClock(new Date(Date.now() + 60_000).toISOString());
    await t.db.outboxMail.create({
      data: { idempotencyKey: "code", to: ["x@y.fr"], subject: "Votre code", text: "Code : 481516", attempts: 7 },
    });
    const deliver = createOutboxDeliveryJob({
      mailer: createSmtpMailer({ url: "smtp://127.0.0.1:1", from: "a@b.fr" }),
      domain: "test.local",
    });
    await deliver(jobContext(t.db, clock));
    const row = await t.db.outboxMail.findUniqueOrThrow({ where: { idempotencyKey: "code" } });
    expect(row).toMatchObject({ status: "FAILED", text: "", html: null, subject: "Votre code" });
    expect(row.lastError).toBeTruthy();
  });
});
