// Shared by the imports tests: loaduser files built in memory (XLSX with exceljs, CSV with papaparse), and the
// upload / follow-up / apply calls of the API.
import { crc32, deflateRawSync } from "node:zlib";
import { ImportErrorsPage, ImportSummary } from "@medimail/contracts/imports";
import { LOADUSER_COLUMNS, type LoaduserKey } from "@medimail/contracts/loaduser";
import type { Db } from "@medimail/db/client";
import { withRppsKey } from "@medimail/domain/identifiers";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { expect } from "vitest";
import type { SignedIn } from "../../../test/auth.ts";
import { jobContext } from "../../../test/jobs.ts";
import type { TestContext } from "../../../test/test-app.ts";
import { systemClock } from "../../jobs/job-definition.ts";
import { FINESS } from "../accounts/accounts.test-support.ts";
import { createImportsJob, type ImportsJobOptions } from "./imports.jobs.ts";

export const HEADERS = LOADUSER_COLUMNS.map((column) => column.header);
export type Row = Partial<Record<LoaduserKey, string | number>>;

/** A row's cells in the order of `keys` (every loaduser column by default). */
export const cellsOf = (row: Row, keys: readonly LoaduserKey[] = LOADUSER_COLUMNS.map((column) => column.key)) =>
  keys.map((key) => row[key] ?? "");

export const headersOf = (keys: readonly LoaduserKey[]) =>
  keys.map((key) => LOADUSER_COLUMNS.find((column) => column.key === key)?.header ?? key);

/** An XLSX of one sheet (or a "Consignes" sheet first), with the given header row. */
export async function xlsxOf(
  rows: Row[],
  { keys, withInstructions = false }: { keys?: readonly LoaduserKey[]; withInstructions?: boolean } = {},
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  if (withInstructions) {
    const instructions = workbook.addWorksheet("Consignes");
    instructions.addRow(["Colonne", "Signification"]);
    for (const column of LOADUSER_COLUMNS) instructions.addRow([column.header, column.meaning]);
  }
  const sheet = workbook.addWorksheet("Utilisateurs");
  const columns = keys ?? LOADUSER_COLUMNS.map((column) => column.key);
  sheet.addRow(headersOf(columns));
  for (const row of rows) sheet.addRow(cellsOf(row, columns));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A CSV with the given separator, optionally with a BOM or in another encoding. */
export function csvOf(
  rows: Row[],
  {
    keys,
    delimiter = ";",
    bom = false,
    newline = "\r\n",
  }: { keys?: readonly LoaduserKey[]; delimiter?: string; bom?: boolean; newline?: string } = {},
): string {
  const columns = keys ?? LOADUSER_COLUMNS.map((column) => column.key);
  const text = Papa.unparse([headersOf(columns), ...rows.map((row) => cellsOf(row, columns).map(String))], {
    delimiter,
    newline,
  });
  return `${bom ? "\uFEFF" : ""}${text}${newline}`;
}

let sequence = 0;
const next = () => ++sequence;
export const run = Date.now().toString(36);

/** A valid row of each type (ORG/APP name their connection accounts). */
export function validRow(type: "MED" | "PER" | "INT" | "ORG" | "APP", overrides: Row = {}): Row {
  const n = next();
  const base: Row = {
    type,
    email: `import.${type.toLowerCase()}.${n}.${run}@exemple.fr`,
    lastName: `Nom${n}`,
    firstName: `Prénom${n}`,
    profession: "10 - Médecin",
    regionCode: "76 - Occitanie",
  };
  const extra: Row =
    type === "PER"
      ? { nationalId: withRppsKey(`10${String(n).padStart(8, "0")}`) }
      : type === "INT"
        ? { finessSite: FINESS }
        : type === "ORG" || type === "APP"
          ? {
              finessSite: FINESS,
              description: "Secrétariat",
              responsibleLastName: "Durand",
              responsibleFirstName: "Anne",
              responsibleProfession: "10",
              responsibleId: "10001234565",
              ...(type === "APP" ? { returnAddress: "secretariat@chu-toulouse.mssante.fr" } : {}),
            }
          : {};
  return { ...base, ...extra, ...overrides };
}

/** The API calls of the import screen. */
export function importsApi(t: TestContext) {
  const upload = (who: SignedIn, structureId: string, content: Buffer | string, fileName = "utilisateurs.xlsx") =>
    t.app.inject({
      method: "POST",
      url: `/api/structures/${structureId}/imports?fileName=${encodeURIComponent(fileName)}`,
      headers: { ...who.headers, "content-type": "application/octet-stream" },
      payload: typeof content === "string" ? Buffer.from(content) : content,
    });
  return {
    upload,
    /** an upload that must be accepted: its dry run */
    async dryRun(who: SignedIn, structureId: string, content: Buffer | string, fileName?: string) {
      const response = await upload(who, structureId, content, fileName);
      expect(response.statusCode, response.body).toBe(201);
      return ImportSummary.parse(response.json());
    },
    async errors(who: SignedIn, structureId: string, importId: string, atApply = false) {
      const response = await t.app.inject({
        url: `/api/structures/${structureId}/imports/${importId}/errors?limit=200&atApply=${atApply}`,
        headers: who.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      return ImportErrorsPage.parse(response.json());
    },
    async get(who: SignedIn, structureId: string, importId: string) {
      const response = await t.app.inject({
        url: `/api/structures/${structureId}/imports/${importId}`,
        headers: who.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      return ImportSummary.parse(response.json());
    },
    apply(who: SignedIn, structureId: string, importId: string, notifyUsers = false) {
      return t.app.inject({
        method: "POST",
        url: `/api/structures/${structureId}/imports/${importId}/apply`,
        headers: who.headers,
        payload: { notifyUsers },
      });
    },
  };
}

/** Runs the import job as a worker would (the test app has no queue). */
export function runImportsJob(db: Db, options: Partial<ImportsJobOptions> = {}) {
  return createImportsJob({ publicUrl: "http://localhost:3000", ...options })(jobContext(db, systemClock));
}

/** What a refused upload leaves: nothing (no import, no account, no audit event since `since`). */
export async function expectNothingChanged(db: Db, before: { accounts: number; audit: number; imports: number }) {
  expect(await db.account.count()).toBe(before.accounts);
  expect(await db.auditEvent.count()).toBe(before.audit);
  expect(await db.importJob.count()).toBe(before.imports);
}

export async function counts(db: Db) {
  return {
    accounts: await db.account.count(),
    audit: await db.auditEvent.count(),
    imports: await db.importJob.count(),
  };
}

// --- a minimal zip writer, to build the XLSX an attacker would ---------------------------------------------------

export interface ZipPart {
  name: string;
  /** the bytes stored (already deflated when method is 8) */
  stored: Buffer;
  method: 0 | 8;
  /** the inflated size the headers announce */
  size: number;
  crc?: number;
  /** written, but left out of the central directory */
  unlisted?: boolean;
}

export function zipOf(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(part.method, 8);
    local.writeUInt32LE(part.crc ?? 0, 14);
    local.writeUInt32LE(part.stored.length, 18);
    local.writeUInt32LE(part.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(part.method, 10);
    central.writeUInt32LE(part.crc ?? 0, 16);
    central.writeUInt32LE(part.stored.length, 20);
    central.writeUInt32LE(part.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, part.stored);
    if (!part.unlisted) centrals.push(central, name);
    offset += 30 + name.length + part.stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const listed = parts.filter((part) => !part.unlisted).length;
  end.writeUInt16LE(listed, 8);
  end.writeUInt16LE(listed, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export const deflated = (name: string, text: string): ZipPart => {
  const data = Buffer.from(text);
  return { name, stored: deflateRawSync(data), method: 8, size: data.length, crc: crc32(data) };
};
