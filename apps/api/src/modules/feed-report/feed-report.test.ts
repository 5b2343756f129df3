import { inflateSync } from "node:zlib";
import { FeedReport } from "@medimail/contracts/feed-report";
import { StructureOverview } from "@medimail/contracts/structure-overview";
import type { Prisma } from "@medimail/db/client";
import { buildAccount, createAccount, createStructure } from "@medimail/db/seed/factories";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, type SignedIn, signInAs } from "../../../test/auth.ts";
import { useTestApp } from "../../../test/test-app.ts";
import { REPORT_TITLE } from "./feed-report.exports.ts";

const t = useTestApp();

/** The text drawn in a PDF: its content streams inflated, the strings of its text operators decoded. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  const texts: string[] = [];
  for (const match of raw.matchAll(/<<([\s\S]*?)>>\s*stream\r?\n/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const end = raw.indexOf("endstream", start);
    let body = pdf.subarray(start, end);
    if (/\/FlateDecode/.test(match[1] ?? "")) {
      try {
        body = inflateSync(body);
      } catch {
        continue;
      }
    }
    const content = body.toString("latin1");
    for (const operation of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const hex = [...(operation[1] ?? "").matchAll(/<([0-9a-fA-F]*)>/g)].map((part) => part[1]).join("");
      texts.push(Buffer.from(hex, "hex").toString("latin1"));
    }
  }
  return texts.join("\n");
}

const FINESS_ROOT = "310781406";
const FINESS_OTHER = "310783048";
const SIRET_OF_ROOT = "26310000400019";

interface World {
  root: string;
  siretDaughter: string;
  noIdentifier: string;
  unknownFiness: string;
  sirenDaughter: string;
  other: string;
  /** account key → id */
  accounts: Record<string, string>;
}
const world = { accounts: {} } as World;
const as: Record<"operator" | "rootAdmin" | "daughterAdmin" | "otherAdmin" | "support", SignedIn> = {} as never;

/** An account with an MSSanté address. */
async function withAddress(key: string, structureId: string, overrides: Partial<Prisma.AccountCreateManyInput>) {
  const account = await createAccount(t.db, structureId, overrides);
  await t.db.mssAddress.create({ data: { accountId: account.id, address: `${key.toLowerCase()}@test.mssante.fr` } });
  world.accounts[key] = account.id;
  return account;
}

const ORG_FIELDS = {
  type: "ORG",
  responsibleLastName: "Durand",
  responsibleFirstName: "Paul",
  description: "Secrétariat de cardiologie",
} as const;

/** What each crafted account must get once the referential is loaded (and, before, on Medimail's data alone). */
const EXPECTED: Record<string, { loaded: string[]; unloaded: string[] }> = {
  ok: { loaded: [], unloaded: [] },
  noNationalId: { loaded: ["MSS007"], unloaded: ["MSS007"] },
  unknownRpps: { loaded: ["MSS008"], unloaded: [] },
  student: { loaded: ["MSS047"], unloaded: [] },
  superseded: { loaded: ["MSS043"], unloaded: [] },
  otherName: { loaded: ["MSS020"], unloaded: [] },
  elsewhere: { loaded: ["MSS033"], unloaded: [] },
  accents: { loaded: [], unloaded: [] },
  nameless: { loaded: ["MSS007", "MSS018", "MSS019"], unloaded: ["MSS007", "MSS018", "MSS019"] },
  intNoStructure: { loaded: ["MSS012"], unloaded: ["MSS012"] },
  orgBare: { loaded: ["MSS013", "MSS028", "MSS029"], unloaded: ["MSS013", "MSS028", "MSS029"] },
  orgOk: { loaded: [], unloaded: [] },
  intUnknownFiness: { loaded: ["MSS015"], unloaded: [] },
  perSiretOfFiness: { loaded: ["MSS032"], unloaded: [] },
  appUnknownSiren: { loaded: ["MSS046"], unloaded: [] },
};
const ROOT_ONLY = ["ok", "noNationalId", "unknownRpps", "student", "superseded", "otherName", "elsewhere", "accents"];

beforeAll(async () => {
  const db = t.db;
  world.root = (await createStructure(db, { name: "CHU Test", identifierType: "FINESS", identifier: FINESS_ROOT })).id;
  world.siretDaughter = (
    await createStructure(db, {
      name: "Site SIRET",
      parentId: world.root,
      identifierType: "SIRET",
      identifier: SIRET_OF_ROOT,
    })
  ).id;
  world.noIdentifier = (await createStructure(db, { name: "Site sans identifiant", parentId: world.root })).id;
  world.unknownFiness = (
    await createStructure(db, {
      name: "Site FINESS inconnu",
      parentId: world.root,
      identifierType: "FINESS",
      identifier: "310009999",
    })
  ).id;
  world.sirenDaughter = (
    await createStructure(db, {
      name: "Cabinet SIREN",
      parentId: world.root,
      identifierType: "SIREN",
      identifier: "123456782",
    })
  ).id;
  world.other = (await createStructure(db, { name: "Autre hôpital" })).id;

  await withAddress("ok", world.root, { rpps: "11000000015", lastName: "Martin", firstName: "Claire" });
  await withAddress("noNationalId", world.root, { rpps: null, lastName: "Sans", firstName: "Rpps" });
  await withAddress("unknownRpps", world.root, { rpps: "10199999995", lastName: "=HYPERLINK(1)", firstName: "X" });
  await withAddress("student", world.root, { rpps: "11000000023", lastName: "Durand", firstName: "Paul" });
  await withAddress("superseded", world.root, { rpps: "11000000031", lastName: "Petit", firstName: "Anne" });
  await withAddress("otherName", world.root, { rpps: "11000000015", lastName: "Martin", firstName: "Clara" });
  await withAddress("elsewhere", world.root, { rpps: null, adeli: "311234567", lastName: "Leroy", firstName: "Marc" });
  await withAddress("accents", world.root, { rpps: "11000000056", lastName: "LEFEVRE", firstName: "elodie" });
  await withAddress("nameless", world.noIdentifier, { rpps: null, lastName: "", firstName: " " });
  await withAddress("intNoStructure", world.noIdentifier, { type: "INT", rpps: null });
  await withAddress("orgBare", world.noIdentifier, { type: "ORG" });
  await withAddress("orgOk", world.noIdentifier, { ...ORG_FIELDS, finessSite: FINESS_ROOT });
  await withAddress("intUnknownFiness", world.unknownFiness, { type: "INT", rpps: null });
  await withAddress("perSiretOfFiness", world.siretDaughter, {
    rpps: "11000000015",
    lastName: "Martin",
    firstName: "Claire",
  });
  await withAddress("appUnknownSiren", world.sirenDaughter, { ...ORG_FIELDS, type: "APP" });
  // never in the report: no MSSanté address, or a MED account
  await createAccount(db, world.root, { rpps: null });
  await createAccount(db, world.root, { type: "MED", rpps: null });

  as.operator = await signInAs(db, (await createConsoleUser(db, "OPERATOR")).email);
  as.rootAdmin = await signInAs(db, (await createConsoleUser(db, "ADMINISTRATOR", { structureId: world.root })).email);
  as.daughterAdmin = await signInAs(
    db,
    (await createConsoleUser(db, "ADMINISTRATOR", { structureId: world.siretDaughter })).email,
  );
  as.otherAdmin = await signInAs(
    db,
    (await createConsoleUser(db, "ADMINISTRATOR", { structureId: world.other })).email,
  );
  as.support = await signInAs(db, (await createConsoleUser(db, "SUPPORT", { structureId: world.root })).email);
});

async function loadReferential() {
  await t.db.refStructure.createMany({
    data: [
      { identifier: FINESS_ROOT, identifierType: "FINESS", name: "CHU TEST", siret: SIRET_OF_ROOT },
      { identifier: FINESS_OTHER, identifierType: "FINESS", name: "CLINIQUE TEST", siret: null },
    ],
  });
  const professional = (
    rpps: string | null,
    adeli: string | null,
    lastName: string,
    firstName: string,
    extra: { categoryCode?: string; isCurrent?: boolean } = {},
  ) => ({
    nationalId: rpps ? `8${rpps}` : `0${adeli}`,
    idType: rpps ? "8" : "0",
    rpps,
    adeli,
    lastName,
    firstName,
    categoryCode: extra.categoryCode ?? "C",
    isCurrent: extra.isCurrent ?? true,
  });
  await t.db.refProfessional.createMany({
    data: [
      professional("11000000015", null, "MARTIN", "Claire"),
      professional("11000000023", null, "DURAND", "Paul", { categoryCode: "E" }),
      professional("11000000031", null, "PETIT", "Anne", { isCurrent: false }),
      professional(null, "311234567", "LEROY", "Marc"),
      professional("11000000056", null, "LEFÈVRE", "Élodie"),
    ],
  });
  const place = (nationalId: string, finess: string, siret: string | null) => ({
    nationalId,
    structureIdentifier: finess,
    finessSite: finess,
    siret,
  });
  await t.db.refPracticePlace.createMany({
    data: [
      place("811000000015", FINESS_ROOT, SIRET_OF_ROOT),
      place("811000000023", FINESS_ROOT, SIRET_OF_ROOT),
      place("811000000031", FINESS_ROOT, SIRET_OF_ROOT),
      place("0311234567", FINESS_OTHER, null),
      place("811000000056", FINESS_ROOT, SIRET_OF_ROOT),
    ],
  });
}

async function report(who: SignedIn, structureId: string, daughters: boolean) {
  const response = await t.app.inject({
    url: `/api/structures/${structureId}/feed-report?daughters=${daughters}`,
    headers: who.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return FeedReport.parse(response.json());
}

/** account key → its codes, in the report's order */
function codesByAccount(result: FeedReport): Record<string, string[]> {
  const keys = new Map(Object.entries(world.accounts).map(([key, id]) => [id, key]));
  const codes: Record<string, string[]> = {};
  for (const row of result.rows) {
    const key = keys.get(row.accountId) ?? row.accountId;
    codes[key] = [...(codes[key] ?? []), row.code].sort();
  }
  return codes;
}

function expected(which: "loaded" | "unloaded", keys: string[]) {
  return Object.fromEntries(
    keys.flatMap((key) => {
      const codes = EXPECTED[key]?.[which] ?? [];
      return codes.length > 0 ? [[key, [...codes].sort()]] : [];
    }),
  );
}

describe("GET /api/structures/:id/feed-report", () => {
  it("without a referential, checks only Medimail's own data", async () => {
    const result = await report(as.operator, world.root, true);
    expect(result.referentialLoaded).toBe(false);
    expect(codesByAccount(result)).toEqual(expected("unloaded", Object.keys(EXPECTED)));
    expect(result.addresses).toBe(Object.keys(EXPECTED).length);
  });

  it("gives each rule exactly where it applies, blocking first, then by code", async () => {
    await loadReferential();
    const result = await report(as.rootAdmin, world.root, true);
    expect(result.referentialLoaded).toBe(true);
    expect(codesByAccount(result)).toEqual(expected("loaded", Object.keys(EXPECTED)));

    const severities = result.rows.map((row) => row.severity);
    expect(severities).toEqual([...severities].sort());
    const blockingCodes = result.rows.filter((row) => row.severity === "BLOCKING").map((row) => row.code);
    expect(blockingCodes).toEqual([...blockingCodes].sort());
    expect(result.counts).toEqual({
      BLOCKING: result.rows.filter((row) => row.severity === "BLOCKING").length,
      WARNING: result.rows.filter((row) => row.severity === "WARNING").length,
    });
    expect(result.counts.WARNING).toBe(4); // MSS020, MSS033, MSS043, MSS046
    // addresses with at least one blocking issue are held back
    const blocked = Object.entries(EXPECTED).filter(([, codes]) =>
      codes.loaded.some((code) => !["MSS020", "MSS033", "MSS043", "MSS046"].includes(code)),
    );
    expect(result.blockedAddresses).toBe(blocked.length);
    expect(result.countsByCode.find((entry) => entry.code === "MSS007")?.count).toBe(2);
    expect(result.rules.map((rule) => rule.code)).toEqual(result.countsByCode.map((entry) => entry.code));
    expect(result.rules.find((rule) => rule.code === "MSS007")?.fix).toMatch(/RPPS\/ADELI/);

    const row = result.rows.find((entry) => entry.accountId === world.accounts.student);
    expect(row).toMatchObject({
      structureId: world.root,
      structureName: "CHU Test",
      mssAddress: "student@test.mssante.fr",
      type: "PER",
      code: "MSS047",
      severity: "BLOCKING",
    });
  });

  it("covers the structure alone, or with its daughters", async () => {
    const alone = await report(as.rootAdmin, world.root, false);
    expect(codesByAccount(alone)).toEqual(expected("loaded", ROOT_ONLY));
    expect(alone.daughters).toBe(false);
    const daughter = await report(as.daughterAdmin, world.siretDaughter, false);
    expect(codesByAccount(daughter)).toEqual({ perSiretOfFiness: ["MSS032"] });
  });

  it("follows the fix: a PER given its RPPS leaves the report", async () => {
    await t.db.account.update({ where: { id: world.accounts.noNationalId }, data: { rpps: "10100000099" } });
    await t.db.refProfessional.create({
      data: { nationalId: "810100000099", idType: "8", rpps: "10100000099", lastName: "Sans", firstName: "Rpps" },
    });
    await t.db.refPracticePlace.create({
      data: { nationalId: "810100000099", structureIdentifier: FINESS_ROOT, finessSite: FINESS_ROOT },
    });
    const result = await report(as.rootAdmin, world.root, false);
    expect(codesByAccount(result).noNationalId).toBeUndefined();
    await t.db.account.update({ where: { id: world.accounts.noNationalId }, data: { rpps: null } });
  });

  it("answers 404 outside the caller's scope; support reads within its grant", async () => {
    for (const [who, id] of [
      [as.otherAdmin, world.root],
      [as.daughterAdmin, world.root],
      [as.rootAdmin, world.other],
    ] as const) {
      for (const path of ["feed-report", "feed-report.xlsx", "feed-report.pdf"]) {
        const response = await t.app.inject({ url: `/api/structures/${id}/${path}`, headers: who.headers });
        expect(response.statusCode, path).toBe(404);
      }
    }
    const anonymous = await t.app.inject({ url: `/api/structures/${world.root}/feed-report` });
    expect(anonymous.statusCode).toBe(401);
    expect((await report(as.support, world.root, true)).rows.length).toBeGreaterThan(0);
    const empty = await report(as.otherAdmin, world.other, true);
    expect(empty).toMatchObject({ rows: [], counts: { BLOCKING: 0, WARNING: 0 }, addresses: 0, truncated: false });
  });

  it("shows the counts of the structure alone on its home", async () => {
    const response = await t.app.inject({
      url: `/api/structures/${world.root}/overview`,
      headers: as.rootAdmin.headers,
    });
    expect(response.statusCode).toBe(200);
    const overview = StructureOverview.parse(response.json());
    const alone = await report(as.rootAdmin, world.root, false);
    expect(overview.feedReport).toEqual({
      blocking: alone.counts.BLOCKING,
      warning: alone.counts.WARNING,
      referentialLoaded: true,
    });
  });
});

describe("exports", () => {
  it("XLSX: a summary sheet and every issue, with message and fix; formulas neutralised", async () => {
    const response = await t.app.inject({
      url: `/api/structures/${world.root}/feed-report.xlsx?daughters=true`,
      headers: as.support.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/spreadsheetml/);
    expect(response.headers["content-disposition"]).toMatch(/rapport-alimentation-chu-test-\d{4}-\d{2}-\d{2}\.xlsx/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const summary = workbook.getWorksheet("Synthèse");
    expect(summary?.getCell("A1").value).toBe(REPORT_TITLE);
    expect(summary?.getCell("B2").value).toBe("CHU Test et ses structures filles");
    const sheet = workbook.getWorksheet("Erreurs");
    const rows = (sheet?.getSheetValues() ?? []).slice(2) as unknown[][];
    const json = await report(as.support, world.root, true);
    expect(rows).toHaveLength(json.rows.length);
    const first = rows[0] as string[];
    expect(first.slice(1, 3)).toEqual(["Bloquante", "MSS007"]);
    expect(rows.map((row) => row[2])).toEqual(json.rows.map((row) => row.code));
    const student = rows.find((row) => row[2] === "MSS047") as string[];
    expect(student[7]).toBe("student@test.mssante.fr");
    expect(student[10]).toMatch(/pas être de type PER mais INT/);
    const formula = rows.find((row) => row[2] === "MSS008") as string[];
    expect(formula[3]).toBe("'=HYPERLINK(1)");
  });

  it("PDF: title, structure, counts and the table; header repeated on every page, 'Page n / N'", async () => {
    const response = await t.app.inject({
      url: `/api/structures/${world.root}/feed-report.pdf?daughters=true`,
      headers: as.rootAdmin.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/pdf");
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(pdf);
    expect(text).toContain(REPORT_TITLE);
    expect(text).toContain("Structure : CHU Test et ses structures filles");
    expect(text).toContain("MSS047");
    expect(text).toContain("student@test.mssante.fr");
    // the summary (15 codes with message and fix) takes more than the first page
    const pages = pdf.toString("latin1").match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
    expect(text).toContain(`Page 1 / ${pages}`);
    expect(text).toContain(`Page ${pages} / ${pages}`);
  });

  it("PDF: many rows take several pages, each with the table's header", async () => {
    const big = (
      await createStructure(t.db, { name: "Grand hôpital", identifierType: "FINESS", identifier: FINESS_ROOT })
    ).id;
    const accounts = Array.from({ length: 150 }, (_, index) =>
      buildAccount(big, { rpps: null, lastName: `Nom${String(index).padStart(3, "0")}` }),
    );
    await t.db.account.createMany({ data: accounts });
    await t.db.mssAddress.createMany({
      data: accounts.map((account, index) => ({
        accountId: account.id as string,
        address: `p${index}@big.mssante.fr`,
      })),
    });
    const response = await t.app.inject({
      url: `/api/structures/${big}/feed-report.pdf`,
      headers: as.operator.headers,
    });
    expect(response.statusCode).toBe(200);
    const text = pdfText(response.rawPayload);
    const pages = response.rawPayload.toString("latin1").match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(text).toContain(`Page ${pages} / ${pages}`);
    expect(text.match(/Adresse MSSanté/g)?.length).toBe(pages);
    expect(text).toContain("p149@big.mssante.fr");

    const json = await report(as.operator, big, false);
    expect(json.counts.BLOCKING).toBe(150);
  });
});
