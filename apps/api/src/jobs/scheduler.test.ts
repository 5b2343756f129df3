import { describe, expect, it } from "vitest";
import { fakeClock, silentLog, waitFor } from "../../test/jobs.ts";
import { useTestDb } from "../../test/test-app.ts";
import type { JobDefinition } from "./job-definition.ts";
import { recordJobRun } from "./job-run.repository.ts";
import { createJobQueue, type JobQueue } from "./queue.ts";
import { createJobRunner } from "./runner.ts";
import { createScheduler, latestOccurrence, nextOccurrence } from "./scheduler.ts";

describe("cron occurrences (Europe/Paris)", () => {
  it("finds the latest occurrence at or before now, including exactly now", () => {
    expect(latestOccurrence("0 3 * * *", new Date("2026-11-26T02:00:00Z")).toISOString()).toBe(
      "2026-11-26T02:00:00.000Z",
    );
    expect(latestOccurrence("0 3 * * *", new Date("2026-11-26T01:59:59Z")).toISOString()).toBe(
      "2026-11-25T02:00:00.000Z",
    );
  });
  it("keeps 03:00 local time across daylight saving changes", () => {
    expect(nextOccurrence("0 3 * * *", new Date("2026-07-01T12:00:00Z")).toISOString()).toBe(
      "2026-07-02T01:00:00.000Z",
    );
    expect(nextOccurrence("0 3 * * *", new Date("2026-12-01T12:00:00Z")).toISOString()).toBe(
      "2026-12-02T02:00:00.000Z",
    );
  });
});

const t = useTestDb();

describe("three instances on one database", () => {
  it("run each cron occurrence once", async () => {
    const executions: Record<string, string[]> = { nightly: [], hourly: [] };
    const definitions: JobDefinition[] = [
      {
        name: "test.nightly",
        label: "nuit",
        description: "",
        cron: "0 3 * * *",
        handler: async ({ runId }) => {
          executions.nightly?.push(runId);
          return { processed: 1, failed: 0 };
        },
      },
      {
        name: "test.hourly",
        label: "heure",
        description: "",
        cron: "0 * * * *",
        handler: async ({ runId }) => {
          executions.hourly?.push(runId);
          return { processed: 1, failed: 0 };
        },
      },
    ];
    const clock = fakeClock("2026-11-26T02:00:10Z");
    const instances: { queue: JobQueue; scheduler: ReturnType<typeof createScheduler> }[] = [];
    for (let i = 0; i < 3; i++) {
      const queue = await createJobQueue({ connectionString: t.database.url, definitions, log: silentLog });
      const runner = createJobRunner({ db: t.db, definitions, clock, batchSize: 10, log: silentLog });
      for (const definition of definitions) await queue.work(definition.name, runner);
      instances.push({ queue, scheduler: createScheduler({ db: t.db, queue, definitions, clock, log: silentLog }) });
    }
    try {
      // every instance ticks, at the same moment, several times within the minute
      for (let tick = 0; tick < 3; tick++) {
        await Promise.all(instances.map((instance) => instance.scheduler.tick()));
        clock.advance(15_000);
      }
      await waitFor(async () => (await t.db.jobRun.count({ where: { status: "DONE" } })) === 2);
      // an hour later: one new hourly occurrence, no new nightly one
      clock.set("2026-11-26T03:00:05Z");
      await Promise.all(instances.map((instance) => instance.scheduler.tick()));
      await waitFor(async () => (await t.db.jobRun.count({ where: { status: "DONE" } })) === 3);
      // leave time for any duplicate delivery to show up
      await new Promise((resolve) => setTimeout(resolve, 1500));

      expect(executions.nightly).toHaveLength(1);
      expect(executions.hourly).toHaveLength(2);
      const runs = await t.db.jobRun.findMany({ orderBy: [{ name: "asc" }, { scheduledFor: "asc" }] });
      expect(runs.map((run) => [run.name, run.scheduledFor.toISOString(), run.attempts])).toEqual([
        ["test.hourly", "2026-11-26T02:00:00.000Z", 1],
        ["test.hourly", "2026-11-26T03:00:00.000Z", 1],
        ["test.nightly", "2026-11-26T02:00:00.000Z", 1],
      ]);
    } finally {
      await Promise.all(
        instances.map(async ({ queue, scheduler }) => {
          await scheduler.stop();
          await queue.stop();
        }),
      );
    }
  });
});

describe("a job enqueued with the change that causes it", () => {
  it("never runs when the change rolls back, and runs once when the process died before dispatching it", async () => {
    const ran: string[] = [];
    const definitions: JobDefinition[] = [
      {
        name: "test.bulk",
        label: "lot",
        description: "",
        handler: async ({ runId }) => {
          ran.push(runId);
          return { processed: 1, failed: 0 };
        },
      },
    ];
    const clock = fakeClock(new Date().toISOString());
    const queue = await createJobQueue({ connectionString: t.database.url, definitions, log: silentLog });
    const runner = createJobRunner({ db: t.db, definitions, clock, batchSize: 10, log: silentLog });
    await queue.work("test.bulk", runner);
    const scheduler = createScheduler({ db: t.db, queue, definitions, clock, log: silentLog });
    try {
      await expect(
        t.db.$transaction(async (tx) => {
          await recordJobRun(tx, { name: "test.bulk", clock });
          throw new Error("the import was refused");
        }),
      ).rejects.toThrow("the import was refused");
      expect(await t.db.jobRun.count({ where: { name: "test.bulk" } })).toBe(0);

      // committed, then the process died before queue.dispatch(): the next tick finds it
      const run = await t.db.$transaction((tx) => recordJobRun(tx, { name: "test.bulk", clock }));
      await scheduler.tick();
      expect(ran).toEqual([]); // not yet: it may still be on its way from the process that recorded it
      clock.advance(31_000);
      await Promise.all([scheduler.tick(), scheduler.tick()]);
      await waitFor(async () => (await t.db.jobRun.findUniqueOrThrow({ where: { id: run.id } })).status === "DONE");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(ran).toEqual([run.id]);
    } finally {
      await scheduler.stop();
      await queue.stop();
    }
  });
});

describe("a job dispatched by the process that works it", () => {
  it("starts at once, not at the worker's next poll", async () => {
    const definitions: JobDefinition[] = [
      {
        name: "test.now",
        label: "maintenant",
        description: "",
        handler: async () => ({ processed: 1, failed: 0 }),
      },
    ];
    const clock = fakeClock(new Date().toISOString());
    // a poll every 60 s: only the wake-up can start the job within the 10 s waited for below
    const queue = await createJobQueue({
      connectionString: t.database.url,
      definitions,
      log: silentLog,
      pollingIntervalSeconds: 60,
    });
    const runner = createJobRunner({ db: t.db, definitions, clock, batchSize: 10, log: silentLog });
    await queue.work("test.now", runner);
    try {
      // the worker's first fetch, made when it starts, is behind it: the next one is a minute away
      await new Promise((resolve) => setTimeout(resolve, 500));
      const run = await t.db.$transaction((tx) => recordJobRun(tx, { name: "test.now", clock }));
      await queue.dispatch(run.name, run.id);
      await waitFor(
        async () => (await t.db.jobRun.findUniqueOrThrow({ where: { id: run.id } })).status === "DONE",
        10_000,
      );
    } finally {
      await queue.stop();
    }
  });
});
