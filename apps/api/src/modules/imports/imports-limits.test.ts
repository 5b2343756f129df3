import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import path from "node:path";
import { crc32, createDeflateRaw } from "node:zlib";
import { openSessionForEmail } from "@medimail/api/modules/auth/session.repository";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDb } from "../../../test/test-app.ts";
import { type SmtpCatcher, startSmtpCatcher } from "../mail/smtp-catcher.ts";
import { cellsOf, csvOf, deflated, HEADERS, validRow, type ZipPart, zipOf } from "./imports.test-support.ts";

/**
 * Files built to exhaust the server's memory, uploaded as a structure administrator would upload them: over HTTP,
 * to the built server (dist/server.js, built by `pnpm build`) started as it runs in production — apps/api's
 * `serve` options (a 128 MB heap), NODE_ENV=production, a real PostgreSQL database, its mail to an SMTP server.
 * Each is refused with a French message naming the line, and the server still answers afterwards.
 */
const t = useTestDb();
const API_DIR = path.resolve(import.meta.dirname, "../../..");
let catcher: SmtpCatcher;
let server: ChildProcess;
let base: string;
let headers: Record<string, string>;
let structureId: string;
let output = "";
/** numbers as the messages write them (a narrow no-break space between thousands) */
const fr = (value: number) => new Intl.NumberFormat("fr-FR").format(value);

/** `serve`'s variables and Node options, as the deployment runs it. */
function serveCommand() {
  const manifest = JSON.parse(readFileSync(path.join(API_DIR, "package.json"), "utf8")) as {
    scripts: { serve: string };
  };
  const words = manifest.scripts.serve.split(" ").filter(Boolean);
  return {
    env: Object.fromEntries(words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split("=", 2))),
    options: words.filter((word) => word.startsWith("--")),
    script: path.join(API_DIR, words.at(-1) as string),
  };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  catcher = await startSmtpCatcher();
  const structure = await createStructure(t.db, { name: "CHU de Toulouse" });
  structureId = structure.id;
  const admin = await createAccount(t.db, structure.id, { type: "MED", rpps: null });
  await t.db.structureAdmin.create({ data: { structureId, accountId: admin.id } });
  headers = (await openSessionForEmail(t.db, admin.email)).headers;

  const serve = serveCommand();
  if (!existsSync(serve.script)) throw new Error(`${serve.script} is missing: run \`pnpm build\` first`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [...serve.options, serve.script], {
    cwd: API_DIR,
    env: {
      ...process.env,
      ...serve.env,
      NODE_ENV: "production",
      DATABASE_URL: t.database.url,
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: base,
      SMTP_URL: catcher.url,
      // production on loopback with the test's catcher: plain SMTP and http:// on purpose
      ALLOW_INSECURE_TRANSPORT: "true",
      SECRETS_KEY: randomBytes(32).toString("base64"),
      WEB_DIST: "",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  server.stdout?.on("data", keep);
  server.stderr?.on("data", keep);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not start: ${output}`);
    try {
      if ((await fetch(`${base}/ready`)).ok) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await catcher?.close();
});

async function upload(content: Buffer, fileName: string) {
  const response = await fetch(`${base}/api/structures/${structureId}/imports?fileName=${fileName}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/octet-stream" },
    body: content,
  }).catch((error: Error) => {
    throw new Error(`the server did not answer (${error.message}): ${output}`);
  });
  return { status: response.status, body: (await response.json()) as { message: string } };
}

/** The server is alive and answers, and the refused file left no import behind. */
async function expectStillServing() {
  expect(server.exitCode, output).toBeNull();
  expect((await fetch(`${base}/ready`)).status).toBe(200);
  expect(await t.db.importJob.count({ where: { structureId } })).toBe(0);
}

/** A zip part of `count` times `piece`, deflated as a stream (an attacker's file is a few hundred kilobytes). */
async function deflatedRepeat(name: string, head: string, piece: string, count: number, tail: string) {
  const deflate = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => deflate.on("end", resolve));
  let crc = 0;
  let size = 0;
  const write = async (text: string) => {
    const bytes = Buffer.from(text);
    crc = crc32(bytes, crc);
    size += bytes.length;
    if (!deflate.write(bytes)) await new Promise((resolve) => deflate.once("drain", resolve));
  };
  await write(head);
  const block = piece.repeat(Math.max(1, Math.floor((1024 * 1024) / piece.length)));
  const perBlock = block.length / piece.length;
  let written = 0;
  while (written + perBlock <= count) {
    await write(block);
    written += perBlock;
  }
  if (written < count) await write(piece.repeat(count - written));
  await write(tail);
  deflate.end();
  await done;
  return { name, stored: Buffer.concat(chunks), method: 8, size, crc } satisfies ZipPart;
}

const xlsxWith = (
  sharedStrings: ZipPart,
  sheet = '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
) =>
  zipOf([
    deflated("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
    deflated("xl/workbook.xml", '<?xml version="1.0"?><workbook><sheets/></workbook>'),
    deflated("xl/worksheets/sheet1.xml", sheet),
    sharedStrings,
  ]);

describe("files built to exhaust the production server's memory", { timeout: 120_000 }, () => {
  it("refuses 10 MB of CSV without a line break, and keeps serving", async () => {
    const content = Buffer.from("Nom;".repeat((10 * 1024 * 1024) / 4));
    const { status, body } = await upload(content, "utilisateurs.csv");
    expect(status, body.message).toBe(400);
    expect(body.message).toBe(
      `Ligne 1 : plus de ${fr(65_536)} caractères sans retour à la ligne (ou un guillemet jamais refermé) ; le ` +
        "fichier n'est pas un export de tableur valide.",
    );
    await expectStillServing();
  });

  it("refuses a header line of the loaduser's columns and 600,000 more, and keeps serving", async () => {
    const extra = Array.from({ length: 600_000 }, (_, index) => `Colonne ${index + 1}`);
    const header = [...HEADERS, ...extra].join(";");
    const content = Buffer.from(`${header}\r\n${cellsOf(validRow("MED")).join(";")}\r\n`);
    const { status, body } = await upload(content, "utilisateurs.csv");
    expect(status, body.message).toBe(400);
    expect(body.message).toMatch(new RegExp(`^Ligne 1 : plus de ${fr(65_536)} caractères`));
    await expectStillServing();
  });

  it("refuses 10 MB of CSV in one quoted cell never closed, and keeps serving", async () => {
    const content = Buffer.from(`${csvOf([validRow("MED")])}MED;"${"Nom;".repeat((10 * 1024 * 1024) / 4)}`);
    const { status, body } = await upload(content, "utilisateurs.csv");
    expect(status, body.message).toBe(400);
    expect(body.message).toMatch(new RegExp(`^Ligne 3 : plus de ${fr(65_536)} caractères`));
    await expectStillServing();
  });

  it("refuses an XLSX whose shared string is 40 × 7 MB of text, and keeps serving", async () => {
    const item = `<si><t>${"x".repeat(7 * 1024 * 1024)}</t></si>`;
    const shared = await deflatedRepeat("xl/sharedStrings.xml", "<sst>", item, 40, "</sst>");
    const { status, body } = await upload(xlsxWith(shared), "utilisateurs.xlsx");
    expect(status, body.message).toBe(400);
    expect(body.message).toBe(
      "Le texte n° 1 de la table des textes partagés du classeur est démesuré (plus de 1 Mo de XML) ; le fichier " +
        "n'est pas un export de tableur valide.",
    );
    await expectStillServing();
  });

  it("refuses an XLSX whose shared strings, each as long as Excel allows, exceed the table's bound", async () => {
    const item = `<si><t>${"x".repeat(32_767)}</t></si>`;
    const shared = await deflatedRepeat("xl/sharedStrings.xml", "<sst>", item, 12_000, "</sst>");
    const { status, body } = await upload(xlsxWith(shared), "utilisateurs.xlsx");
    expect(status, body.message).toBe(400);
    expect(body.message).toBe(
      "La table des textes partagés du classeur dépasse ce qu'un import peut lire (48 Mo) : découpez le fichier en " +
        "plusieurs fichiers.",
    );
    await expectStillServing();
  });

  it("still imports an ordinary file afterwards", async () => {
    const content = Buffer.from(csvOf([validRow("MED"), validRow("PER")]));
    const { status, body } = await upload(content, "utilisateurs.csv");
    expect(status, body.message).toBe(201);
    expect(server.exitCode, output).toBeNull();
  });
});
