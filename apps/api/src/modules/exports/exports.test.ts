import { PassThrough, Writable } from "node:stream";
import {
  accountToRow,
  LOADUSER_COLUMNS,
  type LoaduserRow,
  neutraliseCell,
  rowToAccountInput,
} from "@medimail/contracts/loaduser";
import type { Account } from "@medimail/db/client";
import { createAccount, createAccounts, createStructure } from "@medimail/db/seed/factories";
import { inactivityDeletionDate } from "@medimail/domain/lifecycle";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/test-app.ts";
import { createScope } from "../../lib/scope.ts";
import { createAccountsRepository } from "../accounts/accounts.repository.ts";
import { requester, seedWorld, type World } from "../accounts/accounts.test-support.ts";
import { createExportsService } from "./exports.service.ts";
import { csvField, parisWallClock } from "./exports-writers.ts";

// The users exports (XLSX and CSV, the loaduser columns), the inactive accounts export, on a real database: content
// against the accounts, formula injection, CSV details (BOM, ";", quotes), scope, keyset reading across batches,
// and a client that stops reading.

const t = useTestApp();
const send = requester(t);
let w: World;
const DAY = 86_400_000;

/** chu: the accounts each test expects, by email */
const chuAccounts: Account[] = [];
let purpanValidated: Account;
let org: Account;

const HOSTILE = ["=cmd|' /C calc'!A0", "+33 5 61 00 00 00", "-2+3", "@SUM(A1:A2)", "\tTabulé", "\rRetour"];

beforeAll(async () => {
  w = await seedWorld(t.db);
  const per = await createAccount(t.db, w.chu, {
    type: "PER",
    state: "VALIDATED",
    email: "jeanne.dupont@chu-toulouse.fr",
    lastName: "Dupont",
    firstName: "Jeanne",
    rpps: "10101234564",
    phone: "05 61 77 22 33",
    addressLine: "2 rue Viguerie",
    postcode: "31059",
    city: "Toulouse",
    unlisted: true,
    dematerialisation: true,
  });
  const med = await createAccount(t.db, w.chu, {
    type: "MED",
    state: "PREREGISTERED",
    email: "paul.martin@chu-toulouse.fr",
    lastName: 'Martin "Polo"',
    firstName: "Paul\nJunior",
    profession: "AUTRE",
    rpps: null,
  });
  org = await createAccount(t.db, w.chu, {
    type: "ORG",
    state: "VALIDATED",
    email: "secretariat.cardio@chu-toulouse.fr",
    lastName: "Secrétariat de cardiologie",
    firstName: "CHU",
    finessSite: "310783048",
    description: "Secrétariat; cardiologie",
    responsibleLastName: "Durand",
    responsibleFirstName: "Anne",
    responsibleProfession: "10",
    responsibleNationalId: "10001234565",
  });
  await t.db.connectionAccount.createMany({
    data: [
      { mailboxId: org.id, accountId: per.id },
      { mailboxId: org.id, accountId: med.id },
    ],
  });
  chuAccounts.push(per, med, org);
  for (const [index, text] of HOSTILE.entries()) {
    chuAccounts.push(
      await createAccount(t.db, w.chu, {
        type: "MED",
        state: index % 2 === 0 ? "VALIDATED" : "PREREGISTERED",
        rpps: null,
        lastName: text,
        firstName: text,
        email: `hostile.${index}@chu-toulouse.fr`,
        city: text,
      }),
    );
  }
  // not exported: waiting for validation, rejected
  await createAccount(t.db, w.chu, { state: "PENDING_VALIDATION", email: "a.valider@chu-toulouse.fr" });
  await createAccount(t.db, w.chu, {
    state: "REJECTED",
    previousState: "PREREGISTERED",
    rejectedAt: new Date(),
    email: "rejete@chu-toulouse.fr",
  });
  purpanValidated = await createAccount(t.db, w.purpan, { type: "INT", state: "VALIDATED", finessSite: "310783048" });
  await createAccount(t.db, w.castres, { email: "ailleurs@castres.fr" });
});

const download = async (url: string, who = w.admin) => {
  const response = await send(who, "GET", url);
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  return response;
};

async function readXlsx(payload: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as unknown as ExcelJS.Buffer);
  return workbook;
}

/** A sheet as arrays of cell texts (dates as Date), header row first. */
function rowsOf(sheet: ExcelJS.Worksheet | undefined): unknown[][] {
  if (!sheet) throw new Error("missing sheet");
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = row.values as unknown[];
    rows.push(Array.from({ length: sheet.columnCount }, (_, index) => values[index + 1] ?? ""));
  });
  return rows;
}

const expectedRow = async (account: Account) => {
  const links = await t.db.connectionAccount.findMany({
    where: { mailboxId: account.id },
    include: { account: { select: { email: true } } },
    orderBy: { createdAt: "asc" },
  });
  const row = accountToRow({ ...account, connectionAccounts: links.map((link) => link.account.email) });
  return LOADUSER_COLUMNS.map((column) => neutraliseCell(row[column.key]));
};

/** XML has no bare carriage return: a CR written in a cell is read back as a line feed (the mark stays in front). */
const asXml = (cells: string[]) => cells.map((cell) => cell.replace(/\r\n?/g, "\n"));

const today = () => parisWallClock(new Date()).toISOString().slice(0, 10);

describe("users export, XLSX", () => {
  it("lists the validated and pre-registered accounts of the structure, in the loaduser columns", async () => {
    const response = await download(`/api/structures/${w.chu}/exports/users.xlsx`);
    expect(response.headers["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(response.headers["content-disposition"]).toContain(
      `attachment; filename="utilisateurs-chu-de-toulouse-${today()}.xlsx"`,
    );
    expect(response.headers["cache-control"]).toBe("no-store");
    const workbook = await readXlsx(response.rawPayload);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(["Utilisateurs"]);
    const sheet = workbook.getWorksheet("Utilisateurs");
    expect(sheet?.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const [headers, ...rows] = rowsOf(sheet);
    expect(headers).toEqual(LOADUSER_COLUMNS.map((column) => column.header));
    const emailAt = LOADUSER_COLUMNS.findIndex((column) => column.key === "email");
    const byEmail = new Map(rows.map((row) => [row[emailAt], row]));
    expect([...byEmail.keys()].sort()).toEqual(chuAccounts.map((account) => account.email).sort());
    for (const account of chuAccounts) {
      expect(byEmail.get(account.email), account.email).toEqual(asXml(await expectedRow(account)));
    }
  });

  it("writes the ORG mailbox's connection accounts joined by ';' and the lists' 'code - label' forms", async () => {
    const workbook = await readXlsx((await download(`/api/structures/${w.chu}/exports/users.xlsx`)).rawPayload);
    const [headers, ...rows] = rowsOf(workbook.getWorksheet("Utilisateurs"));
    const record = (row: unknown[]) =>
      Object.fromEntries(LOADUSER_COLUMNS.map((column, index) => [column.key, String(row[index])])) as LoaduserRow;
    expect(headers?.length).toBe(LOADUSER_COLUMNS.length);
    const mailbox = rows.map(record).find((row) => row.email === org.email);
    expect(mailbox).toMatchObject({
      type: "ORG",
      connectionAccounts: "jeanne.dupont@chu-toulouse.fr;paul.martin@chu-toulouse.fr",
      responsibleProfession: "10 - Médecin",
      responsibleId: "10001234565",
      regionCode: "76 - Occitanie",
    });
    const per = rows.map(record).find((row) => row.email === "jeanne.dupont@chu-toulouse.fr");
    expect(per).toMatchObject({ nationalId: "10101234564", unlisted: "oui", dematerialisation: "oui" });
    // what the import makes of the exported row: the account as it is
    const input = rowToAccountInput(per as LoaduserRow, {
      notifyOnReception: true,
      notifyDailyDigest: false,
      notifyOnOpening: false,
    }) as unknown as Record<string, unknown>;
    expect(input).toMatchObject({
      type: "PER",
      email: "jeanne.dupont@chu-toulouse.fr",
      profession: "10",
      regionCode: "76",
      nationalId: "10101234564",
      unlisted: true,
      phone: "05 61 77 22 33",
    });
  });

  it("neutralises every cell that a spreadsheet would run as a formula (= + - @, tab, carriage return)", async () => {
    const workbook = await readXlsx((await download(`/api/structures/${w.chu}/exports/users.xlsx`)).rawPayload);
    const cells = rowsOf(workbook.getWorksheet("Utilisateurs")).flat().map(String);
    for (const text of asXml(HOSTILE)) {
      expect(cells, text).toContain(`'${text}`);
      expect(cells, text).not.toContain(text);
    }
    expect(cells.filter((cell) => /^[=+\-@\t\r\n]/.test(cell))).toEqual([]);
  });

  it("adds the daughters' accounts with ?daughters=true, and only then", async () => {
    const emailsOf = async (query: string) => {
      const workbook = await readXlsx(
        (await download(`/api/structures/${w.chu}/exports/users.xlsx${query}`)).rawPayload,
      );
      return rowsOf(workbook.getWorksheet("Utilisateurs"))
        .slice(1)
        .map((row) => row[1]);
    };
    expect(await emailsOf("")).not.toContain(purpanValidated.email);
    const withDaughters = await emailsOf("?daughters=true");
    expect(withDaughters).toContain(purpanValidated.email);
    expect(withDaughters).toHaveLength(chuAccounts.length + 1);
    expect(withDaughters).not.toContain("ailleurs@castres.fr");
  });
});

describe("users export, CSV", () => {
  it("is UTF-8 with a BOM, ';'-separated, quoted where needed, and parses back to the same rows", async () => {
    const response = await download(`/api/structures/${w.chu}/exports/users.csv?daughters=true`);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toContain(`filename="utilisateurs-chu-de-toulouse-${today()}.csv"`);
    const bytes = response.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8");
    expect(text.split("\r\n")[0]).toBe(`\uFEFF${LOADUSER_COLUMNS.map((column) => column.header).join(";")}`);
    const parsed = Papa.parse<string[]>(text.slice(1), { delimiter: ";", newline: "\r\n", skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [headers, ...rows] = parsed.data;
    expect(headers).toEqual(LOADUSER_COLUMNS.map((column) => column.header));
    expect(rows).toHaveLength(chuAccounts.length + 1);
    const byEmail = new Map(rows.map((row) => [row[1], row]));
    for (const account of [...chuAccounts, purpanValidated]) {
      expect(byEmail.get(account.email), account.email).toEqual(await expectedRow(account));
    }
    // a quote and a line break inside a name survive; ";" inside a field is quoted
    const med = byEmail.get("paul.martin@chu-toulouse.fr");
    expect(med?.[2]).toBe('Martin "Polo"');
    expect(med?.[3]).toBe("Paul\nJunior");
    expect(text).toContain('"Martin ""Polo"""');
    expect(text).toContain('"Secrétariat; cardiologie"');
    for (const hostile of HOSTILE) expect(text).not.toMatch(new RegExp(`(^|;|\\r\\n)"?${escapeRegExp(hostile)}`));
  });

  it("quotes and neutralises a field the same way whatever its content", () => {
    expect(csvField("simple")).toBe("simple");
    expect(csvField("a;b")).toBe('"a;b"');
    expect(csvField('dit "bonjour"')).toBe('"dit ""bonjour"""');
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("\rx")).toBe('"\'\rx"');
    expect(csvField("ligne\nsuivante")).toBe('"ligne\nsuivante"');
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("reading in batches", () => {
  it("exports every account of a large structure once, in name order, across several batches", async () => {
    const big = await createStructure(t.db, { name: "Grand hôpital" });
    const created = await createAccounts(t.db, big.id, 5_500, (index) => ({
      lastName: `Nom ${String(index % 97).padStart(2, "0")}`,
      firstName: `Prénom ${index}`,
      state: index % 3 === 0 ? "PREREGISTERED" : "VALIDATED",
    }));
    const response = await send(w.operator, "GET", `/api/structures/${big.id}/exports/users.csv`);
    expect(response.statusCode).toBe(200);
    const rows = Papa.parse<string[]>(response.body.slice(1), {
      delimiter: ";",
      newline: "\r\n",
      skipEmptyLines: true,
    }).data.slice(1);
    expect(rows).toHaveLength(5_500);
    const emails = rows.map((row) => row[1]);
    expect(new Set(emails).size).toBe(5_500);
    expect(new Set(emails)).toEqual(new Set(created.map((row) => row.email)));
    const names = rows.map((row) => `${row[2]} ${row[3]}`.toLowerCase());
    const sorted = await t.db.account.findMany({
      where: { structureId: big.id },
      orderBy: [{ sortName: "asc" }, { id: "asc" }],
      select: { email: true },
    });
    expect(emails).toEqual(sorted.map((account) => account.email));
    expect(names[0]?.startsWith("nom 00")).toBe(true);

    const xlsx = await send(w.operator, "GET", `/api/structures/${big.id}/exports/users.xlsx`);
    const sheet = (await readXlsx(xlsx.rawPayload)).getWorksheet("Utilisateurs");
    expect(sheet?.actualRowCount).toBe(5_501);
  });

  it("stops reading when the client stops taking the file", async () => {
    // the database as the export sees it, counting its queries
    let queries = 0;
    const db = new Proxy(t.db, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== "$queryRaw" || typeof value !== "function") return value;
        return (...args: unknown[]) => {
          queries++;
          return value.apply(target, args);
        };
      },
    });
    const service = createExportsService({
      db,
      scope: createScope(t.db),
      accounts: createAccountsRepository(t.db),
      batchSize: 1000,
    });
    const operator = await t.db.account.findFirstOrThrow({ where: { platformRole: "OPERATOR" } });
    const principal = {
      accountId: operator.id,
      platformRole: "OPERATOR" as const,
      administeredStructureIds: [],
      supportStructureIds: [],
    };
    const big = await t.db.structure.findFirstOrThrow({ where: { name: "Grand hôpital" } });
    for (const format of ["csv", "xlsx"] as const) {
      const file = await service.users(principal, big.id, false, format);
      // a client that takes one chunk and then nothing more
      let received = 0;
      const stalled = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _encoding, _callback) {
          received += chunk.length;
        },
      });
      const output = new PassThrough({ highWaterMark: 1024 });
      output.pipe(stalled);
      const abort = new AbortController();
      queries = 0;
      const writing = file.write(output, abort.signal);
      writing.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received).toBeLessThan(100_000);
      // CSV: one batch taken by the client's side of the pipe, one waiting in ours, the next one read ahead, then
      // nothing until the client reads (XLSX: the zip's own stages hold a batch or two more). 6 batches in all.
      if (format === "csv") expect(queries).toBe(3);
      expect(queries).toBeLessThan(6);
      abort.abort();
      await expect(writing).rejects.toMatchObject({ name: "AbortError" });
      const after = queries;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(queries, `${format}: nothing read after the client left`).toBe(after);
    }
  });
});

describe("inactive accounts export", () => {
  let soonDeleted: Account;
  beforeAll(async () => {
    const now = Date.now();
    const deleted = (overrides: Record<string, unknown>) =>
      t.db.deletedAccount.create({
        data: {
          id: crypto.randomUUID(),
          reason: "INACTIVITY",
          structureId: w.chu,
          type: "PER",
          email: `supprime.${crypto.randomUUID().slice(0, 6)}@chu-toulouse.fr`,
          lastName: "Supprimé",
          firstName: "Ancien",
          lastActivityAt: new Date(now - 220 * DAY),
          mssAddress: "ancien.supprime@chu-toulouse.mssante.fr",
          deletedAt: new Date(now - 30 * DAY),
          ...overrides,
        },
      });
    await deleted({ email: "recent@chu-toulouse.fr", lastName: "=HYPERLINK(1)" });
    await deleted({ email: "ancien@chu-toulouse.fr", deletedAt: new Date(now - 200 * DAY) });
    await deleted({ email: "purge@chu-toulouse.fr", reason: "REJECTION_PURGE" });
    await deleted({ email: "fille@purpan.fr", structureId: w.purpan });
    await deleted({ email: "autre@castres.fr", structureId: w.castres });

    const notice = new Date(now - 10 * DAY);
    soonDeleted = await createAccount(t.db, w.chu, {
      type: "MED",
      rpps: null,
      email: "bientot@chu-toulouse.fr",
      lastActivityAt: new Date(now - 200 * DAY),
      inactivityNoticeAt: notice,
    });
    // used again since the notice: the job will not delete it
    await createAccount(t.db, w.chu, {
      email: "revenu@chu-toulouse.fr",
      lastActivityAt: new Date(now - DAY),
      inactivityNoticeAt: notice,
    });
    // mailboxes of services do not expire
    await createAccount(t.db, w.chu, {
      type: "ORG",
      email: "service@chu-toulouse.fr",
      lastActivityAt: new Date(now - 200 * DAY),
      inactivityNoticeAt: notice,
    });
    await createAccount(t.db, w.purpan, {
      email: "bientot@purpan.fr",
      lastActivityAt: null,
      inactivityNoticeAt: new Date(now - 20 * DAY),
    });
  });

  it("has the accounts deleted for inactivity in the last 6 months, and those about to be", async () => {
    const response = await download(`/api/structures/${w.chu}/exports/inactive-accounts.xlsx`);
    expect(response.headers["content-disposition"]).toContain(`comptes-inactifs-chu-de-toulouse-${today()}.xlsx`);
    const workbook = await readXlsx(response.rawPayload);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      "Supprimés (6 derniers mois)",
      "Bientôt supprimés",
    ]);

    const [deletedHeaders, ...deleted] = rowsOf(workbook.getWorksheet("Supprimés (6 derniers mois)"));
    expect(deletedHeaders).toEqual([
      "Adresse mail",
      "Nom",
      "Prénom",
      "Type de BAL",
      "Structure",
      "Adresse MSSanté",
      "Dernière activité",
      "Supprimé le",
    ]);
    expect(deleted.map((row) => row[0])).toEqual(["recent@chu-toulouse.fr"]);
    expect(deleted[0]?.slice(1, 6)).toEqual([
      "'=HYPERLINK(1)",
      "Ancien",
      "PER",
      "CHU de Toulouse",
      "ancien.supprime@chu-toulouse.mssante.fr",
    ]);
    expect(deleted[0]?.[7]).toBeInstanceOf(Date);

    const [soonHeaders, ...soon] = rowsOf(workbook.getWorksheet("Bientôt supprimés"));
    expect(soonHeaders).toEqual([
      "Adresse mail",
      "Nom",
      "Prénom",
      "Type de BAL",
      "Structure",
      "Dernière activité",
      "Avis d'inactivité envoyé le",
      "Suppression prévue à partir du",
    ]);
    expect(soon.map((row) => row[0])).toEqual(["bientot@chu-toulouse.fr"]);
    const notice = soonDeleted.inactivityNoticeAt ?? new Date();
    // Paris wall clock, to the second
    const planned = soon[0]?.[7] as Date;
    expect(Math.abs(planned.getTime() - parisWallClock(inactivityDeletionDate(notice)).getTime())).toBeLessThan(1000);
  });

  it("adds the daughters with ?daughters=true; never another structure's", async () => {
    const workbook = await readXlsx(
      (await download(`/api/structures/${w.chu}/exports/inactive-accounts.xlsx?daughters=true`)).rawPayload,
    );
    const deleted = rowsOf(workbook.getWorksheet("Supprimés (6 derniers mois)")).slice(1);
    expect(deleted.map((row) => row[0]).sort()).toEqual(["fille@purpan.fr", "recent@chu-toulouse.fr"]);
    const soon = rowsOf(workbook.getWorksheet("Bientôt supprimés")).slice(1);
    // the soonest deletion first
    expect(soon.map((row) => row[0])).toEqual(["bientot@purpan.fr", "bientot@chu-toulouse.fr"]);
    expect(soon[0]?.[4]).toBe("Site Purpan");
  });
});

describe("access to the exports", () => {
  const urls = () => [
    `/api/structures/${w.chu}/exports/users.xlsx`,
    `/api/structures/${w.chu}/exports/users.csv`,
    `/api/structures/${w.chu}/exports/inactive-accounts.xlsx`,
  ];
  it("404 outside the caller's scope (before anything is written), 200 for support, 401 signed out", async () => {
    for (const url of urls()) {
      const outside = await send(w.castresAdmin, "GET", url);
      expect(outside.statusCode, url).toBe(404);
      expect(outside.json(), url).toMatchObject({ code: "NOT_FOUND" });
      expect(outside.headers["content-disposition"], url).toBeUndefined();
      expect((await send(w.purpanAdmin, "GET", url)).statusCode, url).toBe(404);
      expect((await send(w.support, "GET", url)).statusCode, url).toBe(200);
      expect((await t.app.inject({ url })).statusCode, url).toBe(401);
    }
  });
});
