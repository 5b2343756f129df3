// The one way the API answers a file: RFC 6266 file names, no-store, the body streamed as it is produced with
// backpressure, and a client that goes away aborting the producer.
import { once } from "node:events";
import { PassThrough, type Readable, type Writable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const CSV_TYPE = "text/csv; charset=utf-8";
export const PDF_TYPE = "application/pdf";

export interface Download {
  filename: string;
  contentType: string;
  /** writes the whole file into `output` and ends it; stops (rejects) when `signal` aborts */
  write(output: Writable, signal: AbortSignal): Promise<void>;
}

/**
 * Answers a download: headers first, then the body as it is produced. Call it only once every check that may
 * refuse the request (scope, 404) has passed: after this, an error can only cut the download short.
 */
export function sendDownload(request: FastifyRequest, reply: FastifyReply, download: Download): FastifyReply {
  const output = new PassThrough();
  const abort = new AbortController();
  // the client went away (closed tab, cancelled download) before the end: stop producing
  reply.raw.on("close", () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  output.on("close", () => {
    if (!output.readableEnded) abort.abort();
  });
  attachment(reply, download.filename, download.contentType).send(output);
  download.write(output, abort.signal).catch((error: unknown) => {
    if (abort.signal.aborted) request.log.info({ file: download.filename }, "download abandoned by the client");
    else request.log.error({ err: error, file: download.filename }, "download failed while streaming");
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return reply;
}

/** Answers a file already stored whole (its size known). */
export function sendStoredFile(
  reply: FastifyReply,
  file: { fileName: string; contentType: string; size: number; stream: Readable },
): FastifyReply {
  return attachment(reply, file.fileName, file.contentType).header("content-length", file.size).send(file.stream);
}

function attachment(reply: FastifyReply, filename: string, contentType: string): FastifyReply {
  return reply
    .header("content-type", contentType)
    .header("content-disposition", contentDisposition(filename))
    .header("cache-control", "no-store");
}

/** RFC 6266: an ASCII fallback for old clients, the exact name in UTF-8 for the others. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Waits until the client has taken what was written (the stream's buffer is below its high-water mark). */
export async function drained(output: Writable, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (output.writableNeedDrain) await once(output, "drain", { signal });
}
