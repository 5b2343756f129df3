// The nightly download of the ANS's national extraction from DIRECTORY_EXTRACTION_URL (the same CA bundle and
// client certificate options as the directory's API: the IGC-Santé roots are in no public trust store).
import http from "node:http";
import https from "node:https";
import { EXTRACTION_MAX_BYTES } from "@medimail/contracts/directory-visibility";
import { limitedText } from "./extraction-upload.ts";

export interface ExtractionSource {
  url: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  timeoutMs: number;
}

export interface DownloadedExtraction {
  chunks: AsyncIterable<string>;
  /** the server's Last-Modified, else the time of the download */
  extractedAt: Date;
  fileName: string;
}

export class ExtractionDownloadError extends Error {}

/** Starts the download; the body is read as the import consumes it (never held whole). */
export function downloadExtraction(source: ExtractionSource, now: Date): Promise<DownloadedExtraction> {
  const url = new URL(source.url);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      {
        timeout: source.timeoutMs,
        ...(url.protocol === "https:" ? { ca: source.ca, cert: source.cert, key: source.key } : {}),
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new ExtractionDownloadError(`${url.origin}${url.pathname} a répondu ${response.statusCode}`));
          return;
        }
        const modified = response.headers["last-modified"] ? new Date(response.headers["last-modified"]) : null;
        resolve({
          chunks: limitedText(response, EXTRACTION_MAX_BYTES),
          extractedAt: modified && !Number.isNaN(modified.getTime()) ? modified : now,
          fileName: decodeURIComponent(url.pathname.split("/").pop() || "extraction"),
        });
      },
    );
    request.on("timeout", () => request.destroy(new ExtractionDownloadError(`pas de réponse de ${url.origin}`)));
    request.on("error", reject);
  });
}
