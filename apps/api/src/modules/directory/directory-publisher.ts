import type { AccountType } from "@medimail/db/client";
import type { DirectoryEntryData } from "./directory-entry.ts";

/** One change sent to the national directory. */
export type FeedEntry =
  | { id: string; action: "CREATE" | "UPDATE"; address: string; accountId: string | null; data: DirectoryEntryData }
  | {
      id: string;
      action: "DELETE";
      address: string;
      accountId: string | null;
      /** the type the directory holds the address under, and the resource that carries it (`carrierKey`) */
      data: { address: string; type: AccountType; carrier?: string | null };
    };

/**
 * A batch of one night's publication. `key` (run date + batch number) is the same every time this batch is
 * handed over, and so is its content: a publisher that remembers the keys it took (or, per entry, the ids) turns
 * the job's at-least-once delivery into exactly once.
 */
export interface FeedBatch {
  key: string;
  /** the Paris day published, YYYY-MM-DD */
  runDate: string;
  /** 1, 2, … within the day */
  batch: number;
  /** deletions first (a type or address change is a DELETE then a CREATE) */
  entries: FeedEntry[];
}

/** An entry the directory refused: its own code and message, kept verbatim. */
export interface EntryRejection {
  entryId: string;
  /** the HTTP status and the OperationOutcome's code, e.g. "404 not-found" (or a local code, nothing sent) */
  code: string;
  message: string;
}

/** What the directory said of a batch: the entries it refused (the others it holds). */
export interface PublishReport {
  rejected: EntryRejection[];
}

/**
 * Where the nightly publication sends its changes. `publish` resolves once the directory (or the file) holds the
 * batch durably, except the entries it reports refused (one professional unknown to the directory does not stop
 * the night); it may be called again with a batch it already took (after a crash between the two) and must then
 * change nothing. A rejection of the promise (directory unreachable) stops the run; the next run sends the same
 * batch again.
 */
export interface DirectoryPublisher {
  /** shown on the publication's record (e.g. the feed folder, the API's address) */
  readonly target: string;
  publish(batch: FeedBatch): Promise<PublishReport | undefined>;
}

/** Deletions, then creations, then updates; by address within each: the order a batch is handed over in. */
export function orderEntries<T extends { action: string; address: string }>(entries: T[]): T[] {
  const rank: Record<string, number> = { DELETE: 0, CREATE: 1, UPDATE: 2 };
  return [...entries].sort(
    (a, b) =>
      (rank[a.action] ?? 3) - (rank[b.action] ?? 3) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
  );
}
