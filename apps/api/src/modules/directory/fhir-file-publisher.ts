import { randomUUID } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type AnsPatchRequest, ansPatchOf } from "./ans-fhir.ts";
import type { DirectoryPublisher, EntryRejection, FeedBatch, FeedEntry } from "./directory-publisher.ts";

/** One entry of a batch as the guide's PATCH, or the reason none can be written (no carrying resource). */
export function fhirBatchEntry(entry: FeedEntry) {
  const result = ansPatchOf(entry);
  if (!result.ok) return { fullUrl: `urn:uuid:${entry.id}`, rejected: { code: result.code, message: result.message } };
  return fhirPatchEntry(entry.id, result.request);
}

const fhirPatchEntry = (id: string, request: AnsPatchRequest) => ({
  fullUrl: `urn:uuid:${id}`,
  resource: request.body,
  request: { method: request.method, url: request.url },
});

/**
 * A batch as a FHIR `batch` Bundle of the ANS guide's conditional PATCH requests (each entry independent, as the
 * API takes them one by one): the same documents the API publisher sends.
 */
export function fhirBundle(batch: FeedBatch) {
  return {
    resourceType: "Bundle",
    id: `medimail-${batch.key}`,
    type: "batch",
    entry: batch.entries.map(fhirBatchEntry),
  };
}

/** The entries no request can be written for (no carrying resource): refused here, as the directory would. */
export function localRejections(batch: FeedBatch): EntryRejection[] {
  return batch.entries.flatMap((entry) => {
    const result = ansPatchOf(entry);
    return result.ok ? [] : [{ entryId: entry.id, code: result.code, message: result.message }];
  });
}

/** The file of a batch: one per (day, batch number), so that a batch handed over twice is written once. */
export const feedFileName = (batch: Pick<FeedBatch, "runDate" | "batch">) =>
  `annuaire-mssante-${batch.runDate}-${String(batch.batch).padStart(6, "0")}.json`;

const exists = (file: string) =>
  stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );

/**
 * The file publisher: each batch as a FHIR batch Bundle of PATCH requests in `dir`, for the directory's feed to pick up.
 * Written to a temporary name, flushed to disk, then renamed: a file under its final name is always complete, and
 * an existing one means the batch was already taken (a resend after a crash writes nothing).
 */
export function createFhirFilePublisher(dir: string): DirectoryPublisher & { fileOf(batch: FeedBatch): string } {
  const fileOf = (batch: Pick<FeedBatch, "runDate" | "batch">) => path.join(dir, feedFileName(batch));
  return {
    target: dir,
    fileOf,
    async publish(batch) {
      const file = fileOf(batch);
      const report = { rejected: localRejections(batch) };
      if (await exists(file)) return report;
      await mkdir(dir, { recursive: true });
      const temporary = path.join(dir, `.${feedFileName(batch)}.${randomUUID()}.tmp`);
      try {
        const handle = await open(temporary, "wx");
        try {
          await handle.writeFile(`${JSON.stringify(fhirBundle(batch), null, 1)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      const folder = await open(dir, "r");
      try {
        await folder.sync();
      } catch {
        // some platforms cannot sync a directory; the rename is still atomic
      } finally {
        await folder.close();
      }
      return report;
    },
  };
}
