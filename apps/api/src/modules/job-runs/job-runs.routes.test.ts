import { JobListResponse, JobRunSummary, JobRunsResponse } from "@medimail/contracts/jobs";
import { createDb, type Db } from "@medimail/db/client";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, type SignedIn, signInAs } from "../../../test/auth.ts";
import { fakeClock, startTestBackground, waitFor } from "../../../test/jobs.ts";
import { type App, buildApp } from "../../app.ts";
import type { Background } from "../../jobs/background.ts";

let database: TestDatabase;
let db: Db;
let background: Background;
let app: App;
let operator: SignedIn;
let administrator: SignedIn;
let support: SignedIn;
const clock = fakeClock("2026-11-26T09:00:00Z");

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ connectionString: database.url, max: 4 });
  background = await startTestBackground(db, database.url, { clock });
  app = await buildApp({ db, background });
  operator = await signInAs(db, (await createConsoleUser(db, "OPERATOR")).email);
  administrator = await signInAs(db, (await createConsoleUser(db, "ADMINISTRATOR")).email);
  support = await signInAs(db, (await createConsoleUser(db, "SUPPORT")).email);
});
afterAll(async () => {
  await app?.close();
  await background?.stop();
  await db?.$disconnect();
  await database?.drop();
});

describe("jobs status API", () => {
  it("lists every job with its schedule and next run, in Paris time", async () => {
    const response = await app.inject({ url: "/api/jobs", headers: operator.headers });
    expect(response.statusCode).toBe(200);
    const { items } = JobListResponse.parse(response.json());
    // every module adds its own jobs: each one listed, the nightly ones first
    expect(items.map((job) => job.name)).toEqual(
      expect.arrayContaining([
        "email-changes.apply",
        "accounts.inactivity",
        "accounts.definitive-rejection",
        "auth.cleanup",
        "mail.outbox",
        "activity.exports",
        "activity.exports-expiry",
      ]),
    );
    expect(items[0]?.name).toBe("email-changes.apply");
    const emailChanges = items[0];
    expect(emailChanges?.nextRunAt).toBe("2026-11-27T02:00:00.000Z"); // 03:00 in Paris
    expect(emailChanges?.lastRun).toBeNull();
  });

  it("runs a job now, then shows its outcome; a mail it queues is really sent", async () => {
    await db.outboxMail.create({
      // due by the test's clock (the column's default is the real time, which may be after the fake clock's)
      data: {
        idempotencyKey: "k1",
        to: ["jean@exemple.fr"],
        subject: "Bonjour",
        text: "…",
        nextAttemptAt: clock.now(),
      },
    });
    const started = await app.inject({ method: "POST", url: "/api/jobs/mail.outbox/runs", headers: operator.headers });
    expect(started.statusCode).toBe(202);
    const run = JobRunSummary.parse(started.json());
    expect(run).toMatchObject({ trigger: "MANUAL", status: "PENDING" });

    await waitFor(async () => (await db.jobRun.findUniqueOrThrow({ where: { id: run.id } })).status === "DONE");
    const runs = JobRunsResponse.parse(
      (await app.inject({ url: "/api/jobs/mail.outbox/runs", headers: operator.headers })).json(),
    );
    expect(runs.items[0]).toMatchObject({ id: run.id, status: "DONE", processed: 1, failed: 0, attempts: 1 });
    expect(background.catcher?.mails().map((mail) => mail.subject)).toEqual(["Bonjour"]);

    const { items } = JobListResponse.parse((await app.inject({ url: "/api/jobs", headers: operator.headers })).json());
    expect(items.find((job) => job.name === "mail.outbox")?.lastRun?.id).toBe(run.id);
    // the run is in the audit log with who asked for it
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "jobs.run-requested" } });
    expect(audit).toMatchObject({ entityId: "mail.outbox", actorLabel: expect.stringContaining("@") });
  });

  it("keeps the jobs to operators (support reads them), and running one to operators", async () => {
    expect((await app.inject({ url: "/api/jobs", headers: administrator.headers })).statusCode).toBe(403);
    expect((await app.inject({ url: "/api/jobs", headers: support.headers })).statusCode).toBe(200);
    for (const caller of [administrator, support]) {
      const response = await app.inject({ method: "POST", url: "/api/jobs/mail.outbox/runs", headers: caller.headers });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await app.inject({ url: "/api/jobs" })).statusCode).toBe(401);
  });

  it("lists the caught mails on the development page's endpoint", async () => {
    const response = await app.inject({ url: "/api/dev/mails" });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([
      expect.objectContaining({
        to: ["jean@exemple.fr"],
        subject: "Bonjour",
        from: expect.stringContaining("ne-pas-repondre@test.local"),
      }),
    ]);
  });

  it("shows failed runs and their error", async () => {
    await db.jobRun.create({
      data: {
        name: "accounts.inactivity",
        scheduledFor: new Date("2026-11-26T02:30:00Z"),
        status: "FAILED",
        error: "connexion perdue",
      },
    });
    const { items } = JobListResponse.parse((await app.inject({ url: "/api/jobs", headers: operator.headers })).json());
    const inactivity = items.find((job) => job.name === "accounts.inactivity");
    expect(inactivity?.failedRunsLast7Days).toBe(1);
    expect(inactivity?.lastRun).toMatchObject({ status: "FAILED", error: "connexion perdue" });
  });

  it("answers 404 for a job that does not exist", async () => {
    const response = await app.inject({ method: "POST", url: "/api/jobs/nothing/runs", headers: operator.headers });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: "NOT_FOUND", message: "Tâche inconnue" });
    expect((await app.inject({ url: "/api/jobs/nothing/runs", headers: operator.headers })).statusCode).toBe(404);
  });
});
