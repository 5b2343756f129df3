import http from "node:http";
import https from "node:https";
import { type AnsPatchRequest, ansPatchOf, carrierUrl } from "./ans-fhir.ts";
import type { DirectoryPublisher, EntryRejection, FeedBatch, FeedEntry } from "./directory-publisher.ts";

// The publisher of the ANS MSSanté FHIR API: each feed entry is the guide's conditional PATCH (ans-fhir.ts), sent
// to DIRECTORY_API_URL with the API key header, over TLS with the configured CA bundle (the IGC-Santé roots are not
// in public trust stores) and an optional client certificate.
// - Per entry: 2xx → held by the directory; 404, 412, 400, 422 (and any other 4xx but 401/403/407/408/429) → that
//   entry refused, with the status, the OperationOutcome's code and its text kept verbatim; the others go on.
// - 429, 5xx, 408, timeouts and network errors are retried with exponential backoff (Retry-After honoured, capped);
//   still failing after the retries, or 401/403/407 (the API key or certificate is wrong: no entry can pass), the
//   batch fails and the night stops: the next run sends the batch again, which is harmless (every document is
//   idempotent, see ans-fhir.ts).
// - Deletions go first, then creations, then updates, each phase with bounded concurrency: an address freed by one
//   mailbox and taken by another on the same carrier is deleted before it is inserted again.

export interface AnsApiPublisherOptions {
  /** base of the API, e.g. https://…/fhir (the conditional URLs are relative to it) */
  url: string;
  apiKey: string | null;
  /** PEM: trusted CAs (replacing the public ones), client certificate and key */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  timeoutMs?: number;
  concurrency?: number;
  /** attempts after the first, on 429/5xx/network errors */
  retries?: number;
  /** first backoff delay; doubled at each attempt (with jitter), capped at `maxDelayMs` */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** The directory's answer to one request. */
type Answer = { status: number; body: string; retryAfter: string | null };

class TransientError extends Error {}

export const API_KEY_HEADER = "ESANTE-API-KEY";

export function createAnsApiPublisher(options: AnsApiPublisherOptions): DirectoryPublisher {
  const base = new URL(options.url.endsWith("/") ? options.url : `${options.url}/`);
  const secure = base.protocol === "https:";
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 5;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        maxSockets: concurrency,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.cert ? { cert: options.cert } : {}),
        ...(options.key ? { key: options.key } : {}),
      })
    : new http.Agent({ keepAlive: true, maxSockets: concurrency });

  function once(request: AnsPatchRequest): Promise<Answer> {
    const target = new URL(carrierUrl(request.carrier), base);
    const body = JSON.stringify(request.body);
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? https : http).request(
        target,
        {
          method: request.method,
          agent,
          timeout: timeoutMs,
          headers: {
            "content-type": "application/fhir+json",
            accept: "application/fhir+json",
            "content-length": Buffer.byteLength(body),
            ...(options.apiKey ? { [API_KEY_HEADER]: options.apiKey } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8"),
              retryAfter: (response.headers["retry-after"] as string | undefined) ?? null,
            }),
          );
          response.on("error", (error) => reject(new TransientError(error.message)));
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new TransientError(`pas de réponse en ${timeoutMs} ms`)));
      outgoing.on("error", (error) =>
        reject(error instanceof TransientError ? error : new TransientError(error.message)),
      );
      outgoing.end(body);
    });
  }

  const delayOf = (attempt: number, retryAfter: string | null) => {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : null;
    const backoff = Math.min(maxDelay, baseDelay * 2 ** attempt) * (0.5 + Math.random() / 2);
    return Math.min(maxDelay, seconds ?? backoff);
  };

  /** One entry: null when the directory holds it, its refusal otherwise; throws when the night must stop. */
  async function sendEntry(entry: FeedEntry): Promise<EntryRejection | null> {
    const result = ansPatchOf(entry);
    if (!result.ok) return { entryId: entry.id, code: result.code, message: result.message };
    let last = "";
    for (let attempt = 0; attempt <= retries; attempt++) {
      let answer: Answer;
      try {
        answer = await once(result.request);
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        last = `réseau : ${error.message}`;
        if (attempt < retries) await sleep(delayOf(attempt, null));
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return null;
      if (answer.status === 429 || answer.status === 408 || answer.status >= 500) {
        last = `${answer.status} ${refusalOf(answer).message}`;
        if (attempt < retries) await sleep(delayOf(attempt, answer.retryAfter));
        continue;
      }
      if (answer.status === 401 || answer.status === 403 || answer.status === 407)
        throw new Error(`annuaire national : accès refusé (${answer.status}), vérifier la clé d'API et le certificat`);
      const refusal = refusalOf(answer);
      return { entryId: entry.id, code: refusal.code, message: refusal.message };
    }
    throw new Error(`annuaire national indisponible après ${retries + 1} tentatives (${entry.address}) : ${last}`);
  }

  return {
    target: base.href,
    async publish(batch: FeedBatch) {
      const rejected: EntryRejection[] = [];
      for (const action of ["DELETE", "CREATE", "UPDATE"] as const) {
        const entries = batch.entries.filter((entry) => entry.action === action);
        await inPool(entries, concurrency, async (entry) => {
          const refusal = await sendEntry(entry);
          if (refusal) rejected.push(refusal);
        });
      }
      return { rejected };
    },
  };
}

/** The directory's own code and message: "<status> <OperationOutcome codes>", the issues' texts verbatim. */
export function refusalOf(answer: { status: number; body: string }): { code: string; message: string } {
  try {
    const outcome = JSON.parse(answer.body) as {
      resourceType?: string;
      issue?: { code?: string; details?: { text?: string }; diagnostics?: string; expression?: string[] }[];
    };
    if (outcome.resourceType === "OperationOutcome" && Array.isArray(outcome.issue) && outcome.issue.length > 0) {
      const codes = [...new Set(outcome.issue.map((found) => found.code).filter(Boolean))].join(",");
      const message = outcome.issue
        .map((found) =>
          [found.details?.text, found.diagnostics, found.expression?.length ? `(${found.expression.join(", ")})` : null]
            .filter(Boolean)
            .join(" "),
        )
        .join("\n");
      return { code: `${answer.status}${codes ? ` ${codes}` : ""}`, message: message || answer.body.slice(0, 4000) };
    }
  } catch {
    // not JSON: the body as it came
  }
  return { code: String(answer.status), message: answer.body.slice(0, 4000) || `HTTP ${answer.status}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over the items, at most `size` at a time; the first error stops taking new ones and is thrown. */
async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  if (failure !== null) throw failure;
}
