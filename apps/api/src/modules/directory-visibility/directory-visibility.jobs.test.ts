import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createStructure } from "@medimail/db/seed/factories";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDb } from "../../../test/test-app.ts";
import { createExtractionDownloadJob } from "./directory-visibility.jobs.ts";
import { extractionLine, extractionText } from "./extraction-file.test-support.ts";

const t = useTestDb();
let server: Server;
let base: string;
const published = new Date("2026-12-05T05:12:00Z");

beforeAll(async () => {
  await createStructure(t.db, { mssDomain: "chu.mssante.fr" });
  server = createServer((request, response) => {
    if (request.url === "/Extraction_Correspondance_MSSante.txt") {
      response.writeHead(200, {
        "content-type": "text/plain; charset=utf-8",
        "last-modified": published.toUTCString(),
      });
      // sent in pieces, as a large file arrives
      const text = extractionText([
        extractionLine({ address: "a@chu.mssante.fr" }),
        extractionLine({ address: "b@ailleurs.mssante.fr" }),
      ]);
      response.write(text.slice(0, 100));
      setTimeout(() => response.end(text.slice(100)), 20);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const context = () => ({
  db: t.db,
  clock: { now: () => new Date("2026-12-05T06:30:00Z") },
  batchSize: 200,
  log: pino({ level: "silent" }),
  runId: crypto.randomUUID(),
});

describe("the nightly download of the national extraction", () => {
  it("does nothing without a configured address", async () => {
    expect(await createExtractionDownloadJob(null)(context())).toEqual({ processed: 0, failed: 0 });
    expect(await t.db.nationalExtraction.count()).toBe(0);
  });

  it("downloads, imports and dates the extraction by the server's Last-Modified", async () => {
    const job = createExtractionDownloadJob({ url: `${base}/Extraction_Correspondance_MSSante.txt`, timeoutMs: 5000 });
    expect(await job(context())).toEqual({ processed: 1, failed: 0 });
    const extraction = await t.db.nationalExtraction.findFirstOrThrow({ where: { status: "DONE" } });
    expect(extraction).toMatchObject({
      source: "DOWNLOAD",
      fileName: "Extraction_Correspondance_MSSante.txt",
      extractedAt: published,
      lines: 2,
      kept: 1,
    });
  });

  it("fails the run on an HTTP error, leaving the current extraction as it was", async () => {
    const job = createExtractionDownloadJob({ url: `${base}/absent.txt`, timeoutMs: 5000 });
    await expect(job(context())).rejects.toThrow("a répondu 404");
    expect(await t.db.nationalExtraction.count({ where: { status: "DONE" } })).toBe(1);
    expect(await t.db.nationalExtractionAddress.count()).toBe(1);
  });
});
