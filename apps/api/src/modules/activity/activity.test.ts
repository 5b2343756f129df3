import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ActivityExportList, ActivityExportView, ActivitySearchResponse } from "@medimail/contracts/activity";
import { createDb, type Db, Prisma } from "@medimail/db/client";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SignedIn } from "../../../test/auth.ts";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { type App, buildApp } from "../../app.ts";
import { seedWorld, type World } from "../accounts/accounts.test-support.ts";
import { createActivityExportJob, createExportExpiryJob } from "./activity.jobs.ts";

// "Activité structure" through the HTTP API on a real database: the search (latest 300, address, Paris days,
// direction, daughters), the chart counted by the database, and exports: the job's files (CSV, XLSX) hold exactly
// the rows of the criteria, a killed run is taken over without doubling anything, files expire, a user's running
// exports are limited, and nobody outside the structure's scope may read a file.

let database: TestDatabase;
let db: Db;
let app: App;
let exportsDir: string;
let w: World;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ connectionString: database.url, max: 4 });
  exportsDir = await mkdtemp(path.join(os.tmpdir(), "activity-test-"));
  app = await buildApp({ db, exportsDir });
  await app.ready();
  w = await seedWorld(db);
});
afterAll(async () => {
  await app?.close();
  await db?.$disconnect();
  await database?.drop();
  await rm(exportsDir, { recursive: true, force: true });
});

const get = (who: SignedIn, url: string) => app.inject({ method: "GET", url, headers: who.headers });
const post = (who: SignedIn, url: string, payload: object) =>
  app.inject({ method: "POST", url, headers: who.headers, payload });

async function search(structureId: string, query = "", who = w.admin) {
  const response = await get(who, `/api/structures/${structureId}/activity${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return ActivitySearchResponse.parse(response.json());
}

const CHU_BOX = "cardio@chu-toulouse.mssante.fr";
const CHU_OTHER = "urgences@chu-toulouse.mssante.fr";
const PURPAN_BOX = "radio@purpan.mssante.fr";
const OUTSIDE = "dr.martin@medecin.mssante.fr";

interface Line {
  sentAt: Date;
  structureId: string;
  address: string;
  direction: "SENT" | "RECEIVED";
  sender: string;
  recipients: string[];
  sizeBytes: number;
  isMss: boolean;
}
const sent = (structureId: string, address: string, sentAt: Date, to: string[]): Line => ({
  sentAt,
  structureId,
  address,
  direction: "SENT",
  sender: address,
  recipients: to,
  sizeBytes: 1000,
  isMss: true,
});
const received = (structureId: string, address: string, sentAt: Date, from: string): Line => ({
  sentAt,
  structureId,
  address,
  direction: "RECEIVED",
  sender: from,
  recipients: [address],
  sizeBytes: 2000,
  isMss: true,
});

/** The CHU's log: 400 lines over January–March 2026 (one every 5 hours), a few around the DST change, Purpan's. */
const BASE = Date.parse("2026-01-05T08:00:00Z");
beforeAll(async () => {
  const lines: Line[] = [];
  for (let i = 0; i < 400; i++) {
    const at = new Date(BASE + i * 5 * 3_600_000);
    lines.push(i % 3 === 0 ? received(w.chu, CHU_BOX, at, OUTSIDE) : sent(w.chu, CHU_OTHER, at, [OUTSIDE, CHU_BOX]));
  }
  // 00:30 in Paris on 30 March 2026 (summer time since 29 March, 02:00): Paris day 30 March, UTC day 29 March
  lines.push(sent(w.chu, "nuit@chu-toulouse.mssante.fr", new Date("2026-03-29T22:30:00Z"), ["=cmd|x@evil.fr"]));
  // 23:30 in Paris on 29 March: still the 29th
  lines.push(received(w.chu, "nuit@chu-toulouse.mssante.fr", new Date("2026-03-29T21:30:00Z"), "+33@evil.fr"));
  for (let i = 0; i < 20; i++) {
    lines.push(received(w.purpan, PURPAN_BOX, new Date(BASE + i * 7 * 3_600_000 + 1000), CHU_OTHER));
  }
  await db.message.createMany({ data: lines });
});

/** What the database holds for some criteria, newest first. */
async function expected(where: Prisma.MessageWhereInput) {
  return db.message.findMany({ where, orderBy: [{ sentAt: "desc" }, { id: "desc" }] });
}

describe("search", () => {
  it("without criteria: the 300 latest lines of the structure, newest first, and says there are more", async () => {
    const result = await search(w.chu);
    const all = await expected({ structureId: w.chu });
    expect(all.length).toBe(402);
    expect(result.items).toHaveLength(300);
    expect(result.more).toBe(true);
    expect(result.items.map((item) => item.id)).toEqual(all.slice(0, 300).map((line) => String(line.id)));
    expect(result.items[0]).toMatchObject({ structureName: "CHU de Toulouse", direction: "SENT" });
  });

  it("an address matches the lines it sent and those it received, and nothing else", async () => {
    const result = await search(w.chu, `?address=${encodeURIComponent(CHU_BOX.toUpperCase())}`);
    const all = await expected({
      structureId: w.chu,
      OR: [{ sender: CHU_BOX }, { recipients: { has: CHU_BOX } }],
    });
    expect(all.length).toBeGreaterThan(300);
    expect(result.more).toBe(true);
    expect(result.items.map((item) => item.id)).toEqual(all.slice(0, 300).map((line) => String(line.id)));
    // as a recipient of the others' mail, and as its own mailbox receiving
    expect(result.items.some((item) => item.direction === "SENT" && item.address === CHU_OTHER)).toBe(true);
    expect(result.items.some((item) => item.direction === "RECEIVED" && item.address === CHU_BOX)).toBe(true);
    // an outside correspondent, as sender of received lines and recipient of sent ones
    const outside = await search(w.chu, `?address=${OUTSIDE}&from=2026-01-05&to=2026-01-10`);
    expect(outside.items.length).toBeGreaterThan(0);
    expect(outside.items.every((item) => item.sender === OUTSIDE || item.recipients.includes(OUTSIDE))).toBe(true);
  });

  it("a period is made of whole Paris days, across the change to summer time", async () => {
    const day30 = await search(w.chu, "?address=nuit@chu-toulouse.mssante.fr&from=2026-03-30&to=2026-03-30");
    expect(day30.items.map((item) => item.sentAt)).toEqual(["2026-03-29T22:30:00.000Z"]);
    const day29 = await search(w.chu, "?address=%2B33@evil.fr&from=2026-03-29&to=2026-03-29");
    expect(day29.items.map((item) => item.sentAt)).toEqual(["2026-03-29T21:30:00.000Z"]);
    const february = await search(w.chu, "?from=2026-02-01&to=2026-02-28");
    const inFebruary = await expected({
      structureId: w.chu,
      sentAt: { gte: new Date("2026-01-31T23:00:00Z"), lt: new Date("2026-02-28T23:00:00Z") },
    });
    expect(february.items.map((item) => item.id)).toEqual(inFebruary.map((line) => String(line.id)));
    expect(february.more).toBe(false);
  });

  it("a direction keeps only the lines sent, or only those received", async () => {
    const result = await search(w.chu, "?direction=RECEIVED&from=2026-01-01&to=2026-03-31");
    const all = await expected({ structureId: w.chu, direction: "RECEIVED" });
    expect(result.items.map((item) => item.id)).toEqual(all.map((line) => String(line.id)));
    expect(result.more).toBe(false);
  });

  it("the daughters' lines only when asked", async () => {
    const alone = await search(w.chu, `?address=${PURPAN_BOX}`);
    expect(alone.items).toEqual([]);
    const withDaughters = await search(w.chu, `?address=${PURPAN_BOX}&daughters=true`);
    expect(withDaughters.items).toHaveLength(20);
    expect(withDaughters.items.every((item) => item.structureName === "Site Purpan")).toBe(true);
    const merged = await search(w.chu, "?daughters=true&from=2026-01-05&to=2026-01-06");
    const all = await expected({
      structureId: { in: [w.chu, w.purpan] },
      sentAt: { gte: new Date("2026-01-04T23:00:00Z"), lt: new Date("2026-01-06T23:00:00Z") },
    });
    expect(merged.items.map((item) => item.id)).toEqual(all.map((line) => String(line.id)));
  });

  it("the chart counts per Paris day what the criteria select, every day of the period", async () => {
    const result = await search(w.chu, "?from=2026-03-01&to=2026-03-31&daughters=true");
    expect(result.chart.days).toHaveLength(31);
    expect(result.chart.from).toBe("2026-03-01");
    const total = await db.message.count({
      where: {
        structureId: { in: [w.chu, w.purpan] },
        sentAt: { gte: new Date("2026-02-28T23:00:00Z"), lt: new Date("2026-03-31T22:00:00Z") },
      },
    });
    expect(result.chartTotal).toBe(total);
    const sentTotal = result.chart.days.reduce((sum, day) => sum + day.sent, 0);
    expect(sentTotal).toBe(
      await db.message.count({
        where: {
          structureId: { in: [w.chu, w.purpan] },
          direction: "SENT",
          sentAt: { gte: new Date("2026-02-28T23:00:00Z"), lt: new Date("2026-03-31T22:00:00Z") },
        },
      }),
    );
    const march30 = result.chart.days.find((day) => day.day === "2026-03-30");
    expect(march30?.sent).toBeGreaterThanOrEqual(1);
    // without a period: the last 30 days
    const recent = await search(w.chu);
    expect(recent.chart.days).toHaveLength(30);
  });

  it("refuses a reversed or too long period with a French message", async () => {
    const reversed = await get(w.admin, `/api/structures/${w.chu}/activity?from=2026-03-02&to=2026-03-01`);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain("La date de fin précède la date de début");
    const long = await get(w.admin, `/api/structures/${w.chu}/activity?from=2024-01-01&to=2026-03-01`);
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain("366 jours");
  });

  it("answers 404 outside the caller's scope; support reads within its grants", async () => {
    expect((await get(w.castresAdmin, `/api/structures/${w.chu}/activity`)).statusCode).toBe(404);
    expect((await get(w.purpanAdmin, `/api/structures/${w.chu}/activity`)).statusCode).toBe(404);
    expect((await search(w.purpan, "", w.support)).items).toHaveLength(20);
  });
});

// --------------------------------------------------------------------------------------------------------------

const exportJob = (options: Partial<Parameters<typeof createActivityExportJob>[0]> = {}) =>
  createActivityExportJob({ exportsDir, retentionHours: 24, ...options });
const now = () => fakeClock(new Date().toISOString());

async function requestExport(body: object, who = w.admin, structureId = w.chu) {
  const response = await post(who, `/api/structures/${structureId}/activity/exports`, body);
  expect(response.statusCode, response.body).toBe(201);
  return ActivityExportView.parse(response.json());
}

async function csvRows(file: Buffer) {
  const text = file.toString("utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  const parsed = Papa.parse<string[]>(text.slice(1), { delimiter: ";", skipEmptyLines: true });
  return parsed.data;
}

async function xlsxRows(file: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const rows: string[][] = [];
  for (const sheet of workbook.worksheets) {
    sheet.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? "")));
    });
  }
  return rows;
}

describe("several structures, and the daily counts behind the chart", () => {
  /** Paris day → lines, counted from the log itself (the reference the chart must match). */
  async function countedFromLines(structureIds: string[], from: string, to: string, extra = Prisma.empty) {
    const rows = await db.$queryRaw<{ day: string; sent: number; received: number }[]>`
      SELECT to_char((sent_at AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD') AS day,
             count(*) FILTER (WHERE direction = 'SENT')::int AS sent,
             count(*) FILTER (WHERE direction = 'RECEIVED')::int AS received
        FROM message
       WHERE structure_id = ANY(${structureIds}::uuid[])
         AND (sent_at AT TIME ZONE 'Europe/Paris')::date BETWEEN ${from}::date AND ${to}::date ${extra}
       GROUP BY 1`;
    return new Map(rows.map((row) => [row.day, { sent: row.sent, received: row.received }]));
  }
  const chartOf = (result: ActivitySearchResponse) =>
    new Map(result.chart.days.filter((day) => day.sent + day.received > 0).map((d) => [d.day, d]));

  it("the chart matches the lines day by day: whole structures, one direction, one address", async () => {
    const both = [w.chu, w.purpan];
    const period = "from=2026-01-01&to=2026-03-31";
    const whole = await search(w.chu, `?${period}&daughters=true`);
    const reference = await countedFromLines(both, "2026-01-01", "2026-03-31");
    expect(whole.chart.days).toHaveLength(90);
    expect(chartOf(whole)).toEqual(new Map([...reference].map(([day, c]) => [day, { day, ...c }])));

    const receivedOnly = await search(w.chu, `?${period}&daughters=true&direction=RECEIVED`);
    expect(receivedOnly.chart.days.every((day) => day.sent === 0)).toBe(true);
    expect(receivedOnly.chartTotal).toBe([...reference.values()].reduce((sum, c) => sum + c.received, 0));

    const address = await search(w.chu, `?${period}&daughters=true&address=${CHU_BOX}`);
    const ofAddress = await countedFromLines(
      both,
      "2026-01-01",
      "2026-03-31",
      Prisma.sql`AND (sender = ${CHU_BOX} OR recipients @> ARRAY[${CHU_BOX}])`,
    );
    expect(chartOf(address)).toEqual(new Map([...ofAddress].map(([day, c]) => [day, { day, ...c }])));
    expect(address.chartTotal).toBeLessThan(whole.chartTotal);
  });

  it("the 300 latest of a group are merged from its structures, lines at the same instant included", async () => {
    const group = await db.structure.create({ data: { name: "Groupement des tests", parentId: w.root } });
    const [a, b] = await Promise.all(
      ["Site A", "Site B"].map((name) => db.structure.create({ data: { name, parentId: group.id } })),
    );
    if (!a || !b) throw new Error("structures not created");
    // 250 lines each, every second one at an instant both sites share: the 300th latest falls in a tie
    const at = (i: number) => new Date(Date.parse("2026-06-01T08:00:00Z") + Math.floor(i / 2) * 60_000);
    await db.message.createMany({
      data: Array.from({ length: 250 }, (_, i) => [
        sent(a.id, "a@site-a.mssante.fr", at(i), [OUTSIDE]),
        received(b.id, "b@site-b.mssante.fr", at(i + 1), OUTSIDE),
      ]).flat(),
    });
    const result = await search(group.id, "?daughters=true", w.operator);
    const all = await expected({ structureId: { in: [a.id, b.id] } });
    expect(all).toHaveLength(500);
    expect(result.more).toBe(true);
    expect(result.items.map((item) => item.id)).toEqual(all.slice(0, 300).map((line) => String(line.id)));
    // a period with fewer than 300 lines: all of them
    const june1 = await search(group.id, "?daughters=true&from=2026-06-01&to=2026-06-01&direction=SENT", w.operator);
    expect(june1.items.map((item) => item.id)).toEqual(
      all.filter((line) => line.direction === "SENT").map((line) => String(line.id)),
    );
    // a group without any line: nothing, and a chart of zeros
    const empty = await db.structure.create({ data: { name: "Groupement vide", parentId: w.root } });
    const none = await search(empty.id, "?daughters=true", w.operator);
    expect(none).toMatchObject({ items: [], more: false, chartTotal: 0 });
  });

  it("the daily counts follow the log: lines added, moved to another day, deleted, and the structure deleted", async () => {
    const site = await db.structure.create({ data: { name: "Site des comptes", parentId: w.root } });
    const counts = () =>
      db.messageDayCount.findMany({
        where: { structureId: site.id },
        orderBy: { day: "asc" },
        select: { day: true, sent: true, received: true },
      });
    const day = (text: string) => new Date(`${text}T00:00:00Z`);
    await db.message.createMany({
      data: [
        // 23:30 in Paris on 1 July is still 1 July (21:30 UTC); 00:30 on 2 July is 1 July in UTC
        sent(site.id, "x@site.mssante.fr", new Date("2026-07-01T21:30:00Z"), [OUTSIDE]),
        sent(site.id, "x@site.mssante.fr", new Date("2026-07-01T22:30:00Z"), [OUTSIDE]),
        received(site.id, "x@site.mssante.fr", new Date("2026-07-01T22:40:00Z"), OUTSIDE),
      ],
    });
    expect(await counts()).toEqual([
      { day: day("2026-07-01"), sent: 1, received: 0 },
      { day: day("2026-07-02"), sent: 1, received: 1 },
    ]);
    await db.message.updateMany({
      where: { structureId: site.id, direction: "RECEIVED" },
      data: { sentAt: new Date("2026-07-03T10:00:00Z") },
    });
    await db.message.deleteMany({ where: { structureId: site.id, sentAt: new Date("2026-07-01T21:30:00Z") } });
    expect(await counts()).toEqual([
      { day: day("2026-07-01"), sent: 0, received: 0 },
      { day: day("2026-07-02"), sent: 1, received: 0 },
      { day: day("2026-07-03"), sent: 0, received: 1 },
    ]);
    // deleting the structure deletes its log and its counts together, without recreating any count
    await db.structure.delete({ where: { id: site.id } });
    expect(await counts()).toEqual([]);
    expect(await db.message.count({ where: { structureId: site.id } })).toBe(0);
  });
});

const download = (id: string, who = w.admin) => get(who, `/api/activity/exports/${id}/file`);

/** Clears the export requests between tests so that limits and runs only see their own. */
beforeEach(async () => {
  await db.exportRequest.deleteMany({});
});

describe("exports", () => {
  it("CSV: the job writes exactly the rows of the criteria, neutralised, and the file is served", async () => {
    const request = await requestExport({
      format: "CSV",
      criteria: { address: CHU_BOX, from: "2026-01-01", to: "2026-03-31", daughters: false },
    });
    expect(request.status).toBe("PENDING");
    expect(request.period.from).toBe("2025-12-31T23:00:00.000Z");

    // not ready yet
    expect((await download(request.id)).statusCode).toBe(409);
    const result = await exportJob()(jobContext(db, now()));
    expect(result).toEqual({ processed: 1, failed: 0 });

    const all = await expected({ structureId: w.chu, OR: [{ sender: CHU_BOX }, { recipients: { has: CHU_BOX } }] });
    const response = await download(request.id);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/csv");
    expect(response.headers["content-disposition"]).toMatch(/attachment; filename="activite-chu-de-toulouse-.*\.csv"/);
    const rows = await csvRows(response.rawPayload);
    expect(rows[0]).toEqual([
      "Date",
      "Emetteur",
      "Destinataires",
      "Sens",
      "Boîte de la structure",
      "Structure",
      "Taille (octets)",
      "MSSanté",
    ]);
    expect(rows.length - 1).toBe(all.length);
    const paris = new Intl.DateTimeFormat("fr-FR", {
      timeZone: "Europe/Paris",
      dateStyle: "short",
      timeStyle: "medium",
    });
    expect(rows.slice(1).map((row) => `${row[0]}|${row[1]}`)).toEqual(
      all.map((line) => `${paris.format(line.sentAt)}|${line.sender}`),
    );
    const list = ActivityExportList.parse((await get(w.admin, `/api/structures/${w.chu}/activity/exports`)).json());
    expect(list.items[0]).toMatchObject({ id: request.id, status: "DONE", progress: 100, rowCount: all.length });
  });

  it("XLSX: the whole result (more than 300 lines) with the daughters, formula-like cells neutralised", async () => {
    const request = await requestExport({ format: "XLSX", criteria: { daughters: true } });
    await exportJob()(jobContext(db, now(), 50));
    const response = await download(request.id);
    expect(response.statusCode).toBe(200);
    const rows = await xlsxRows(response.rawPayload);
    const total = await db.message.count({ where: { structureId: { in: [w.chu, w.purpan] } } });
    expect(total).toBeGreaterThan(300);
    expect(rows.length - 1).toBe(total);
    expect(rows.filter((row) => row[5] === "Site Purpan")).toHaveLength(20);
    expect(rows.some((row) => row[2] === "'=cmd|x@evil.fr")).toBe(true);
    expect(rows.some((row) => row[1] === "'+33@evil.fr")).toBe(true);
    const view = ActivityExportList.parse((await get(w.admin, `/api/structures/${w.chu}/activity/exports`)).json());
    expect(view.items[0]?.rowCount).toBe(total);
  });

  it("a run killed half-way leaves the request RUNNING; the next run takes it over and the file is written once", async () => {
    const request = await requestExport({ format: "CSV", criteria: { daughters: false } });
    const clock = now();
    let release: () => void = () => undefined;
    const halted = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => undefined;
    const halfWay = new Promise<void>((resolve) => {
      reached = resolve;
    });
    // the first run stops for good after its first batch (as if its process had been killed)
    const killed = exportJob({
      batchRows: 100,
      beforeBatch: async (_id, written) => {
        if (written > 0) {
          reached();
          await halted;
        }
      },
    });
    const firstRun = killed(jobContext(db, clock));
    await halfWay;
    const stuck = await db.exportRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stuck.status).toBe("RUNNING");
    expect(stuck.progress).toBeGreaterThan(0);

    // while its lease holds, another run leaves it alone
    expect(await exportJob()(jobContext(db, clock))).toEqual({ processed: 0, failed: 0 });
    clock.advance(10 * 60_000);
    expect(await exportJob()(jobContext(db, clock))).toEqual({ processed: 1, failed: 0 });
    const done = await db.exportRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(done.status).toBe("DONE");

    // the stale run wakes up: it no longer holds the request and leaves the file and the status alone
    const before = await stat(path.join(exportsDir, `${request.id}.csv`));
    release();
    expect(await firstRun).toEqual({ processed: 0, failed: 0 });
    const after = await db.exportRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(after).toMatchObject({ status: "DONE", rowCount: 402 });
    expect((await stat(path.join(exportsDir, `${request.id}.csv`))).mtimeMs).toBe(before.mtimeMs);
    expect((await readdir(exportsDir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);

    // run again: nothing to do, the file is untouched
    expect(await exportJob()(jobContext(db, clock))).toEqual({ processed: 0, failed: 0 });
    const rows = await csvRows(await readFile(path.join(exportsDir, `${request.id}.csv`)));
    expect(rows.length - 1).toBe(402);
  });

  it("an expired file answers 410 with a French message, then the expiry job deletes it", async () => {
    const request = await requestExport({ format: "CSV", criteria: { from: "2026-01-05", to: "2026-01-05" } });
    await exportJob()(jobContext(db, now()));
    expect((await download(request.id)).statusCode).toBe(200);
    // a day later than its expiry
    await db.exportRequest.update({ where: { id: request.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const gone = await download(request.id);
    expect(gone.statusCode).toBe(410);
    expect(gone.json().message).toBe("Ce fichier a expiré et a été supprimé : demandez un nouvel export.");
    // and still 404 to someone outside the scope
    expect((await download(request.id, w.castresAdmin)).statusCode).toBe(404);

    expect(await createExportExpiryJob({ exportsDir })(jobContext(db, now()))).toEqual({ processed: 1, failed: 0 });
    await expect(stat(path.join(exportsDir, `${request.id}.csv`))).rejects.toThrow();
    expect(await db.exportRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: "EXPIRED",
      filePath: null,
    });
    expect((await download(request.id)).statusCode).toBe(410);
    expect((await download(request.id, w.castresAdmin)).statusCode).toBe(404);
    const list = ActivityExportList.parse((await get(w.admin, `/api/structures/${w.chu}/activity/exports`)).json());
    expect(list.items[0]?.status).toBe("EXPIRED");
  });

  it("an export of structure A is refused (404) to an administrator of structure B, before and after it expires", async () => {
    const request = await requestExport({ format: "XLSX", criteria: {} });
    await exportJob()(jobContext(db, now()));
    expect((await download(request.id)).statusCode).toBe(200);
    for (const outsider of [w.castresAdmin, w.purpanAdmin]) {
      const response = await download(request.id, outsider);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: "NOT_FOUND", message: "Export introuvable" });
      expect((await get(outsider, `/api/structures/${w.chu}/activity/exports`)).statusCode).toBe(404);
    }
    await db.exportRequest.update({ where: { id: request.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await createExportExpiryJob({ exportsDir })(jobContext(db, now()));
    expect((await download(request.id, w.castresAdmin)).statusCode).toBe(404);
    expect((await download(request.id, w.purpanAdmin)).statusCode).toBe(404);
    // an unknown id: the same answer
    expect((await download(crypto.randomUUID(), w.castresAdmin)).statusCode).toBe(404);
  });

  it("support reads the history and downloads within its grants, but does not request exports", async () => {
    const request = await requestExport({ format: "CSV", criteria: {} });
    await exportJob()(jobContext(db, now()));
    const list = ActivityExportList.parse((await get(w.support, `/api/structures/${w.chu}/activity/exports`)).json());
    expect(list.mayRequest).toBe(false);
    expect(list.items.map((item) => item.id)).toEqual([request.id]);
    expect((await download(request.id, w.support)).statusCode).toBe(200);
    const refused = await post(w.support, `/api/structures/${w.chu}/activity/exports`, {
      format: "CSV",
      criteria: {},
    });
    expect(refused.statusCode).toBe(403);
    expect(
      ActivityExportList.parse((await get(w.admin, `/api/structures/${w.chu}/activity/exports`)).json()).mayRequest,
    ).toBe(true);
  });

  it("limits a user's waiting or running exports, and audits each request", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await requestExport({ format: "CSV", criteria: {} }, w.admin2)).id);
    const fourth = await post(w.admin2, `/api/structures/${w.chu}/activity/exports`, { format: "CSV", criteria: {} });
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().message).toContain("3 exports en attente ou en cours");
    // another user is not held back by them
    await requestExport({ format: "CSV", criteria: {} }, w.admin);
    const list = ActivityExportList.parse((await get(w.admin2, `/api/structures/${w.chu}/activity/exports`)).json());
    expect(list.activeOfCaller).toBe(3);
    // once they are done, the user may ask again
    await exportJob()(jobContext(db, now()));
    await requestExport({ format: "CSV", criteria: {} }, w.admin2);
    const audits = await db.auditEvent.findMany({ where: { action: "activity.export-requested", entityId: ids[0] } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ structureId: w.chu, actorLabel: "admin2@chu-toulouse.fr" });
  });
});
