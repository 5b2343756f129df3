import { Readable } from "node:stream";
import { createDeflateRaw } from "node:zlib";
import { IMPORT_LIMITS, ImportSummary } from "@medimail/contracts/imports";
import { LOADUSER_COLUMNS, type LoaduserKey } from "@medimail/contracts/loaduser";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/test-app.ts";
import { seedWorld, type World } from "../accounts/accounts.test-support.ts";
import { buildLoaduserTemplate } from "../template/template-workbook.ts";
import {
  counts,
  csvOf,
  deflated,
  expectNothingChanged,
  headersOf,
  importsApi,
  runImportsJob,
  validRow,
  xlsxOf,
  type ZipPart,
  zipOf,
} from "./imports.test-support.ts";

// The files an import meets: every separator and encoding a spreadsheet writes, columns in any order, and the bad
// ones — a zip bomb, a web page renamed .xlsx, an Excel 97-2003 file, an empty file, missing headers, duplicates,
// quoted line breaks, 10,000-character cells, text in no known encoding, too many rows, too big a file. Each bad
// one gets a clear French message and changes nothing.

const t = useTestApp();
const api = importsApi(t);
let w: World;

beforeAll(async () => {
  w = await seedWorld(t.db);
});

const KEYS = LOADUSER_COLUMNS.map((column) => column.key);

/** An upload that must be refused with this status and message, leaving no import, account or audit event. */
async function expectRefused(content: Buffer | string, status: number, message: string | RegExp, fileName?: string) {
  const before = await counts(t.db);
  const response = await api.upload(w.admin, w.chu, content, fileName);
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json();
  if (typeof message === "string") expect(body.message).toBe(message);
  else expect(body.message).toMatch(message);
  await expectNothingChanged(t.db, before);
  return body;
}

/** A workbook's parts around a given sheet part. */
const workbookWith = (sheet: ZipPart, extra: ZipPart[] = []) =>
  zipOf([
    deflated("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
    deflated("xl/workbook.xml", '<?xml version="1.0"?><workbook><sheets/></workbook>'),
    sheet,
    ...extra,
  ]);

/** `mebibytes` of one repeated XML row, deflated as a stream (the bomb itself is a few hundred kilobytes). */
async function bombPayload(mebibytes: number): Promise<Buffer> {
  const row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>';
  const chunk = Buffer.from(row.repeat(Math.ceil((1024 * 1024) / row.length)).slice(0, 1024 * 1024));
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (data: Buffer) => out.push(data));
  const done = new Promise((resolve) => deflate.on("end", resolve));
  for (let i = 0; i < mebibytes; i++) {
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

describe("what is read", () => {
  it("finds the columns by header in any order, accents and case aside, and lists unknown columns as ignored", async () => {
    const keys = [...KEYS].reverse();
    const rows = [validRow("MED"), validRow("PER")];
    const lines = csvOf(rows, { keys })
      .replace("Prénom", "PRENOM")
      .replace("Région", "region")
      .split("\r\n")
      .filter(Boolean)
      .map((line, index) => `${line};${index === 0 ? "Commentaire" : "à rappeler"}`);
    const summary = await api.dryRun(w.admin, w.chu, `${lines.join("\r\n")}\r\n`, "a.csv");
    expect(summary.dryRun).toEqual({ create: 2, update: 0, unchanged: 0, rejected: 0 });
    expect(summary.warnings).toEqual(["Colonne inconnue ignorée : « Commentaire »."]);

    const xlsx = await xlsxOf([validRow("INT"), validRow("MED")], { keys });
    expect((await api.dryRun(w.admin, w.chu, xlsx)).dryRun.create).toBe(2);
  });

  it("takes the optional columns as optional: a file with the required ones only", async () => {
    const keys: LoaduserKey[] = ["email", "type", "lastName", "firstName", "profession", "regionCode"];
    const summary = await api.dryRun(w.admin, w.chu, csvOf([validRow("MED")], { keys }), "a.csv");
    expect(summary.dryRun.create).toBe(1);
  });

  it("reads comma, semicolon and tab separators, with or without BOM, CRLF or LF", async () => {
    for (const [delimiter, bom, newline] of [
      [",", false, "\r\n"],
      [";", true, "\n"],
      ["\t", true, "\r\n"],
      [",", true, "\n"],
    ] as const) {
      const summary = await api.dryRun(
        w.admin,
        w.chu,
        csvOf([validRow("MED"), validRow("PER", { lastName: "Dupré, dit « le Grand »" })], {
          delimiter,
          bom,
          newline,
        }),
        "a.csv",
      );
      expect(summary.dryRun, `${JSON.stringify(delimiter)} bom=${bom}`).toEqual({
        create: 2,
        update: 0,
        unchanged: 0,
        rejected: 0,
      });
    }
  });

  it("reads Excel's 'Texte Unicode' (UTF-16 with BOM, tab-separated)", async () => {
    const row = validRow("MED", { lastName: "Théâtre" });
    const text = csvOf([row], { delimiter: "\t", bom: true });
    const summary = await api.dryRun(w.admin, w.chu, Buffer.from(text, "utf16le"), "unicode.txt");
    expect(summary.dryRun.create).toBe(1);
  });

  it("reads a CSV that is not UTF-8 as Windows-1252, and says so", async () => {
    const row = validRow("MED", { lastName: "Élodie-Œuvré", firstName: "Zoë" });
    const text = csvOf([row]);
    const windows1252 = Buffer.from(
      [...text].map((char) => ({ É: 0xc9, Œ: 0x8c, é: 0xe9, ë: 0xeb })[char] ?? char.charCodeAt(0)),
    );
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(windows1252)).toThrow();
    const summary = await api.dryRun(w.admin, w.chu, windows1252, "excel.csv");
    expect(summary.dryRun.create).toBe(1);
    expect(summary.warnings[0]).toMatch(/^Ce fichier n'est pas en UTF-8 : il a été lu en Windows-1252/);
    const { id } = summary;
    expect((await api.errors(w.admin, w.chu, id)).total).toBe(0);
    // and the name is what was typed
    await api.apply(w.admin, w.chu, id);
    await runImportsJob(t.db);
    expect(await t.db.account.findUnique({ where: { email: String(row.email) } })).toMatchObject({
      lastName: "Élodie-Œuvré",
      firstName: "Zoë",
    });
  });

  it("reads quoted line breaks: the rows after them keep their line numbers", async () => {
    const med = validRow("MED");
    const per = validRow("PER");
    const org = validRow("ORG", {
      connectionAccounts: `${med.email}\n${per.email}`,
      description: "Secrétariat\nde cardiologie",
    });
    const file = csvOf([med, per, org, validRow("MED", { lastName: "" })]);
    expect(file.split(/\r?\n/).length).toBeGreaterThan(7); // the breaks are in the file
    const summary = await api.dryRun(w.admin, w.chu, file, "a.csv");
    expect(summary.dryRun).toEqual({ create: 3, update: 0, unchanged: 0, rejected: 1 });
    const { items } = await api.errors(w.admin, w.chu, summary.id);
    expect(items).toEqual([{ line: 5, column: "Nom", value: null, reason: "Saisissez le nom" }]);
  });

  it("rejects the row of an unclosed quote, saying why", async () => {
    const file = `${csvOf([validRow("MED")])}MED;"jean.dupont@exemple.fr;Dupont\r\n`;
    const summary = await api.dryRun(w.admin, w.chu, file, "a.csv");
    expect(summary.dryRun).toMatchObject({ create: 1, rejected: 1 });
    const { items } = await api.errors(w.admin, w.chu, summary.id);
    expect(items[0]).toMatchObject({ line: 3, column: null, reason: expect.stringMatching(/^Guillemets mal fermés/) });
  });

  it("rejects a row with a 10,000-character cell, naming the column and its limit, and keeps only its start", async () => {
    const long = "A".repeat(10_000);
    const summary = await api.dryRun(
      w.admin,
      w.chu,
      await xlsxOf([validRow("MED", { lastName: long }), validRow("ORG", { description: long }), validRow("MED")]),
    );
    expect(summary.dryRun).toEqual({ create: 1, update: 0, unchanged: 0, rejected: 2 });
    const { items } = await api.errors(w.admin, w.chu, summary.id);
    expect(items).toEqual([
      {
        line: 2,
        column: "Nom",
        value: `${"A".repeat(100)}…`,
        reason: "Valeur trop longue : 10\u202f000 caractères, 100 au plus",
      },
      {
        line: 3,
        column: "Description",
        value: `${"A".repeat(100)}…`,
        reason: "Valeur trop longue : 10\u202f000 caractères, 500 au plus",
      },
    ]);
  });

  it("gives back the leading zeros a spreadsheet drops from postcodes, FINESS and phone numbers", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Utilisateurs");
    sheet.addRow(headersOf(KEYS));
    const row = validRow("INT", { postcode: 1000, phone: 474000000, finessSite: 10000024, addressLine: "1 rue" });
    sheet.addRow(KEYS.map((key) => row[key] ?? null));
    const summary = await api.dryRun(w.admin, w.chu, Buffer.from(await workbook.xlsx.writeBuffer()));
    expect((await api.errors(w.admin, w.chu, summary.id)).items).toEqual([]);
    expect(summary.dryRun.create).toBe(1);
  });

  it("reads the downloaded template once filled in (its example row replaced; Consignes and lists ignored)", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await buildLoaduserTemplate()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Utilisateurs");
    if (!sheet) throw new Error("no users sheet in the template");
    const keys = LOADUSER_COLUMNS.map((column) => column.key);
    const first = validRow("MED");
    const second = validRow("PER");
    sheet.getRow(2).values = keys.map((key) => first[key] ?? null);
    sheet.getRow(3).values = keys.map((key) => second[key] ?? null);
    const summary = await api.dryRun(w.admin, w.chu, Buffer.from(await workbook.xlsx.writeBuffer()), "modele.xlsx");
    expect(summary).toMatchObject({ totalRows: 2, dryRun: { create: 2, rejected: 0 }, warnings: [] });
  });

  it("reads a file by what it is, not by its name (an XLSX named .xls, a CSV named .xlsx), and says so", async () => {
    const xlsx = await api.dryRun(w.admin, w.chu, await xlsxOf([validRow("MED")]), "ancien.xls");
    expect(xlsx).toMatchObject({ format: "XLSX", dryRun: { create: 1 } });
    expect(xlsx.warnings).toEqual(["Ce fichier nommé .xls est en réalité un classeur XLSX : il a été lu comme tel."]);
    const csv = await api.dryRun(w.admin, w.chu, csvOf([validRow("MED")]), "liste.xlsx");
    expect(csv).toMatchObject({ format: "CSV", dryRun: { create: 1 } });
    expect(csv.warnings).toEqual([
      "Ce fichier nommé .xlsx est en réalité un fichier texte (CSV) : il a été lu comme tel.",
    ]);
  });
});

describe("what is refused, changing nothing", () => {
  it("an empty file, a file of blanks, a header without rows", async () => {
    await expectRefused(Buffer.alloc(0), 400, "Le fichier est vide.");
    await expectRefused(" \r\n \r\n", 400, "Le fichier est vide.", "a.csv");
    await expectRefused(
      `\uFEFF${csvOf([])}\r\n;;;;\r\n`,
      400,
      "Le fichier ne contient que la ligne d'en-tête : aucun utilisateur à importer.",
      "a.csv",
    );
    await expectRefused(
      await xlsxOf([]),
      400,
      "Le fichier ne contient que la ligne d'en-tête : aucun utilisateur à importer.",
    );
  });

  it("a file without some required headers, listing them", async () => {
    const keys = KEYS.filter((key) => key !== "firstName" && key !== "regionCode");
    await expectRefused(
      csvOf([validRow("MED")], { keys }),
      400,
      "Colonnes obligatoires absentes de la ligne d'en-tête : « Prénom », « Région ». Partez du modèle loaduser : la première ligne doit porter les noms de colonnes (dans n'importe quel ordre).",
      "a.csv",
    );
    // a workbook whose sheets have no loaduser header at all
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("Feuil1").addRow(["Nom", "Prénom", "Courriel"]);
    await expectRefused(
      Buffer.from(await workbook.xlsx.writeBuffer()),
      400,
      /^Colonnes obligatoires absentes de la ligne d'en-tête : « Type de BAL », « Profession », « Région »\./,
    );
  });

  it("a header with a column twice", async () => {
    const csv = csvOf([validRow("MED")]).replace("Prénom", "Nom");
    await expectRefused(csv, 400, /^Colonne obligatoire absente de la ligne d'en-tête : « Prénom »/, "a.csv");
    const twice = `${headersOf(KEYS).join(";")};Nom\r\n`;
    await expectRefused(twice, 400, "« Nom » : cette colonne figure deux fois dans la ligne d'en-tête.", "a.csv");
  });

  it("a web page renamed .xlsx", async () => {
    await expectRefused(
      "<!DOCTYPE html>\n<html><body><table><tr><td>Adresse mail</td></tr></table></body></html>",
      400,
      /^Ce fichier est une page web ou un document XML \(il commence par « < »\), pas un tableau CSV ou XLSX/,
      "utilisateurs.xlsx",
    );
    await expectRefused("\uFEFF  <table>", 400, /^Ce fichier est une page web/, "utilisateurs.xls");
  });

  it("an Excel 97-2003 file (.xls), asking to save it as .xlsx or .csv", async () => {
    const ole2 = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096, 1)]);
    const body = await expectRefused(
      ole2,
      400,
      /^Ce fichier est au format Excel 97-2003 \(\.xls\)/,
      "utilisateurs.xls",
    );
    expect(body.message).toContain("Classeur Excel (.xlsx) ou CSV");
  });

  it("a PDF, another binary, a zip that is no workbook, an OpenDocument spreadsheet", async () => {
    await expectRefused("%PDF-1.7\n...", 400, /^Ce fichier est un PDF/, "a.xlsx");
    await expectRefused(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]), 400, /contenu binaire/, "a.csv");
    await expectRefused(
      zipOf([deflated("word/document.xml", "<w:document/>")]),
      400,
      /^Ce fichier est une archive zip mais pas un classeur Excel/,
      "a.xlsx",
    );
    await expectRefused(
      zipOf([deflated("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), deflated("content.xml", "<x/>")]),
      400,
      /^Ce fichier est au format OpenDocument \(\.ods\)/,
      "a.ods",
    );
    await expectRefused(Buffer.from("PK\u0003\u0004 broken"), 400, /^Ce fichier XLSX est endommagé/);
  });

  it("a zip bomb: a sheet announcing more than the limit once inflated, or inflating beyond what it announces", async () => {
    const size = IMPORT_LIMITS.uncompressedBytes / 1024 / 1024 + 100; // MiB
    const payload = await bombPayload(size);
    expect(payload.length).toBeLessThan(2 * 1024 * 1024);
    // honest headers: refused from the announced size, before inflating anything
    await expectRefused(
      workbookWith({ name: "xl/worksheets/sheet1.xml", stored: payload, method: 8, size: size * 1024 * 1024 }),
      400,
      `Ce classeur décompressé occuperait ${size} Mo, au-delà des ${size - 100} Mo acceptés : découpez-le en plusieurs fichiers (ou supprimez les feuilles inutiles).`,
    );
    // lying headers (a tiny announced size): refused while inflating, as soon as it passes what it announced
    await expectRefused(
      workbookWith({ name: "xl/worksheets/sheet1.xml", stored: payload, method: 8, size: 4096 }),
      400,
      "Ce fichier XLSX est suspect : la partie xl/worksheets/sheet1.xml se décompresse au-delà de la taille qu'elle annonce (archive piégée ou endommagée).",
    );
    // or an entry a streaming reader would inflate but the directory hides
    const hidden = zipOf([
      deflated("[Content_Types].xml", "<Types/>"),
      deflated("xl/workbook.xml", "<workbook/>"),
      { name: "xl/sharedStrings.xml", stored: payload, method: 8, size: 4096, unlisted: true },
      deflated("xl/worksheets/sheet1.xml", "<worksheet/>"),
    ]);
    await expectRefused(hidden, 400, /^Ce fichier XLSX est endommagé/);
  });

  it("a file over 20 MB (413), before reading it", async () => {
    const body = await expectRefused(
      Buffer.alloc(IMPORT_LIMITS.fileBytes + 1, 0x41),
      413,
      "Fichier trop volumineux : 20 Mo au plus. Découpez-le en plusieurs fichiers.",
    );
    expect(body.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("a file over 20 MB sent without its size (413), as soon as it goes past the limit", async () => {
    const before = await counts(t.db);
    const megabyte = Buffer.alloc(1024 * 1024, 0x41);
    const response = await t.app.inject({
      method: "POST",
      url: `/api/structures/${w.chu}/imports?fileName=a.csv`,
      headers: { ...w.admin.headers, "content-type": "application/octet-stream" },
      payload: Readable.from(Array.from({ length: 21 }, () => megabyte)),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().message).toBe("Fichier trop volumineux : 20 Mo au plus. Découpez-le en plusieurs fichiers.");
    await expectNothingChanged(t.db, before);
  });

  it("a file of several megabytes sent in pieces without its size, read as the same bytes", async () => {
    const keys = ["type", "email", "lastName", "firstName", "profession", "regionCode"] as const;
    const padding = "x".repeat(40_000);
    const rows = Array.from({ length: 100 }, (_, index) => ({ ...validRow("MED"), lastName: `Lourd${index}é` }));
    const lines = csvOf(rows, { keys }).trimEnd().split("\r\n");
    const file = Buffer.from(
      `${lines.map((line, index) => `${line};${index === 0 ? "Commentaire" : padding}`).join("\r\n")}\r\n`,
    );
    expect(file.length).toBeGreaterThan(3 * 1024 * 1024);
    const pieces = Array.from({ length: Math.ceil(file.length / 65_521) }, (_, index) =>
      file.subarray(index * 65_521, (index + 1) * 65_521),
    );
    const response = await t.app.inject({
      method: "POST",
      url: `/api/structures/${w.chu}/imports?fileName=lourd.csv`,
      headers: { ...w.admin.headers, "content-type": "application/octet-stream" },
      payload: Readable.from(pieces),
    });
    expect(response.statusCode, response.body.slice(0, 200)).toBe(201);
    const summary = ImportSummary.parse(response.json());
    expect(summary.fileSize).toBe(file.length);
    expect(summary.totalRows).toBe(100);
    expect(summary.dryRun).toEqual({ create: 100, update: 0, unchanged: 0, rejected: 0 });
  });

  it(`more than ${IMPORT_LIMITS.rows} user rows`, { timeout: 60_000 }, async () => {
    const lines = [headersOf(["type", "email", "lastName", "firstName", "profession", "regionCode"]).join(";")];
    for (let i = 0; i <= IMPORT_LIMITS.rows; i++) lines.push(`MED;trop.${i}@exemple.fr;Nom;Prénom;10;76`);
    const file = `${lines.join("\r\n")}\r\n`;
    expect(file.length).toBeLessThan(IMPORT_LIMITS.fileBytes);
    await expectRefused(
      file,
      400,
      "Le fichier compte plus de 200\u202f000 lignes d'utilisateurs : découpez-le en plusieurs fichiers.",
      "a.csv",
    );
  });

  it("text in neither UTF-8 nor Windows-1252", async () => {
    const text = Buffer.from(csvOf([validRow("MED", { lastName: "Xx" })]), "latin1");
    const bad = Buffer.from(text.toString("latin1").replace("Xx", "X\u0081"), "latin1");
    await expectRefused(bad, 400, /^Ce fichier texte n'est ni en UTF-8 ni en Windows-1252/, "a.csv");
  });

  it("anything but the raw file: a form, JSON, text, or no CSRF header", async () => {
    const before = await counts(t.db);
    const url = `/api/structures/${w.chu}/imports?fileName=a.csv`;
    const multipart = await t.app.inject({
      method: "POST",
      url,
      headers: { ...w.admin.headers, "content-type": "multipart/form-data; boundary=x" },
      payload: '--x\r\nContent-Disposition: form-data; name="f"\r\n\r\nMED\r\n--x--\r\n',
    });
    expect(multipart.statusCode).toBe(415);
    expect(multipart.json().message).toBe(
      "Envoyez le fichier tel quel dans le corps de la requête (Content-Type: application/octet-stream).",
    );
    const json = await t.app.inject({ method: "POST", url, headers: w.admin.headers, payload: { file: "MED" } });
    expect(json.statusCode).toBe(415);
    const text = await t.app.inject({
      method: "POST",
      url,
      headers: { ...w.admin.headers, "content-type": "text/plain" },
      payload: csvOf([validRow("MED")]),
    });
    expect(text.statusCode).toBe(415);
    const noCsrf = await t.app.inject({
      method: "POST",
      url,
      headers: { cookie: w.admin.headers.cookie, "content-type": "application/octet-stream" },
      payload: csvOf([validRow("MED")]),
    });
    expect(noCsrf.statusCode).toBe(403);
    const noName = await t.app.inject({
      method: "POST",
      url: `/api/structures/${w.chu}/imports`,
      headers: { ...w.admin.headers, "content-type": "application/octet-stream" },
      payload: csvOf([validRow("MED")]),
    });
    expect(noName.statusCode).toBe(400);
    await expectNothingChanged(t.db, before);
  });
});
