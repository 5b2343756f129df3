import { randomUUID } from "node:crypto";
import type { Db } from "@medimail/db/client";
import { type FeedCode, feedIssues, isBlocked, type ReferentialFacts } from "@medimail/domain/feed-rules";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { createReferentialRepository } from "../referential/referential.repository.ts";
import { carrierKey, carrierOf, mailboxContactPoint } from "./ans-fhir.ts";
import { type AddressRow, digestOf, entryDataOf, feedSubjectOf } from "./directory-entry.ts";
import {
  createDirectoryPublicationRepository,
  type DirectoryPublicationRepository,
} from "./directory-publication.repository.ts";
import { type DirectoryPublisher, type FeedEntry, orderEntries, type PublishReport } from "./directory-publisher.ts";
import { referentialFactsOf } from "./referential-facts.ts";

// The nightly publication to the national directory ("publication dans l'annuaire chaque nuit").
//
// One DirectoryPublication per Paris day. Its work is three walks over what changed, each in bounded batches:
//   1. withdrawals of deleted correspondences (directory_withdrawal) → DELETE;
//   2. addresses whose published entry no longer fits (address, type or carrying resource changed) → DELETE of the
//      old one;
//   3. held, refused then pending addresses → CREATE, UPDATE (liste rouge included: a published flag, not a
//      withdrawal), nothing (same digest) or HELD (blocking feed-report errors, reported in directory_held_entry,
//      not sent).
// The directory may refuse one entry (404: the professional or structure is not in it, 412, 422…): the publisher
// reports it, the entry and its address keep the directory's code and message (status REJECTED, tried again the
// next night), and the night goes on.
// Deletions thus always precede creations, in the feed as in time (an address freed by one account and taken by
// another is deleted before it is created again).
//
// Each batch commits its feed entries (numbered with the batch) together with the addresses' new publication state,
// under a lock on the publication row, so that a batch is decided once. It is then handed to the publisher and its
// entries marked sent. A run killed between the commit and the mark sends the batch again at its next start, with
// the same key and content: the publisher keeps it once (the file publisher finds the file already written).

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
const parisDayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });
/** The Paris day (YYYY-MM-DD) a run at this instant publishes. */
export const publicationDayOf = (instant: Date): string => parisDayFormat.format(instant);
const dateOfDay = (day: string) => new Date(`${day}T00:00:00Z`);
const dayOfDate = (date: Date) => date.toISOString().slice(0, 10);

type Status = AddressRow["publicationStatus"];
type PendingEntry = Omit<FeedEntry, "id">;

interface Decision {
  entries: PendingEntry[];
  status: Status;
  publishedAddress: string | null;
  publishedType: AddressRow["publishedType"];
  publishedDigest: string | null;
  publishedCarrier: string | null;
  /** blocking and warning codes, when held */
  held?: FeedCode[];
}

/**
 * What tonight's publication does with one address. `deletesOnly`: only withdraw an entry that no longer fits
 * (walk 2), null when there is none.
 */
export function decide(row: AddressRow, facts: ReferentialFacts, deletesOnly = false): Decision | null {
  const publishable = row.type !== "MED";
  const entries: PendingEntry[] = [];
  let publishedAddress = row.publishedAddress;
  let publishedType = row.publishedType;
  let publishedDigest = row.publishedDigest;
  let publishedCarrier = row.publishedCarrier;
  const data = publishable ? entryDataOf(row) : null;
  const carrier = data ? carrierOf(data) : null;
  const carrierNow = carrier ? carrierKey(carrier) : null;
  // published before the carrier was recorded: the carrier its current data name is the best knowledge
  const carrierThen = row.publishedCarrier ?? carrierNow;
  if (
    publishedAddress !== null &&
    (publishedAddress !== row.address ||
      publishedType !== row.type ||
      !publishable ||
      (row.publishedCarrier !== null && row.publishedCarrier !== carrierNow))
  ) {
    const type = publishedType ?? row.type;
    entries.push({
      action: "DELETE",
      address: publishedAddress,
      accountId: row.accountId,
      data: { address: publishedAddress, type, carrier: carrierThen },
    });
    publishedAddress = null;
    publishedType = null;
    publishedDigest = null;
    publishedCarrier = null;
  }
  const state = () => ({ publishedAddress, publishedType, publishedDigest, publishedCarrier });
  if (deletesOnly) {
    if (entries.length === 0) return null;
    // still to be created (walk 3) unless no longer publishable
    return { entries, status: publishable ? "PENDING" : "WITHDRAWN", ...state() };
  }
  if (!data) return { entries, status: "WITHDRAWN", ...state() };
  const codes = feedIssues(feedSubjectOf(row), facts);
  if (isBlocked(codes)) {
    // the directory keeps what it had (if anything) until the errors are fixed
    return { entries, status: "HELD", ...state(), held: codes };
  }
  // what the directory is sent: a change it does not show (the holder's name of a PER…) publishes nothing
  const digest = digestOf({ carrier: carrierNow, telecom: mailboxContactPoint(data) });
  if (publishedAddress === null)
    entries.push({ action: "CREATE", address: row.address, accountId: row.accountId, data });
  else if (digest !== publishedDigest)
    entries.push({ action: "UPDATE", address: row.address, accountId: row.accountId, data });
  return {
    entries,
    status: "PUBLISHED",
    publishedAddress: row.address,
    publishedType: row.type,
    publishedDigest: digest,
    publishedCarrier: carrierNow ?? carrierThen,
  };
}

export interface DirectoryPublicationOptions {
  publisher: DirectoryPublisher;
}

export interface DirectoryPublicationResult extends JobResult {
  /** changes left for the next night: their entry already appears in today's feed (a change after a crash) */
  deferred: number;
}

/** The handler of `directory.publish`. */
export function createDirectoryPublicationJob({ publisher }: DirectoryPublicationOptions) {
  return async function publishDirectory({
    db,
    clock,
    batchSize,
    log,
  }: JobContext): Promise<DirectoryPublicationResult> {
    const now = clock.now();
    const day = publicationDayOf(now);
    const result: DirectoryPublicationResult = { processed: 0, failed: 0, deferred: 0 };
    const publications = createDirectoryPublicationRepository(db);

    // earlier nights left unfinished (their publisher failed): what they committed goes out first, in order
    for (const earlier of await publications.unfinishedBefore(dateOfDay(day))) {
      await sendUnsent(db, publisher, earlier.id, dayOfDate(earlier.runDate), clock);
      await publications.finish(earlier.id, "DONE", clock.now(), null);
    }

    // a rerun the same day (a retry, or "Lancer maintenant") continues the day's publication: it sends what changed
    // since, in new batches; a second change of one kind to one address the same day waits for the next night
    const publication = await publications.openDay(dateOfDay(day), now, publisher.target);

    const batches = createBatches({ db, publisher, publicationId: publication.id, day, clock, batchSize, result });
    try {
      await sendUnsent(db, publisher, publication.id, day, clock);
      await batches.withdrawDeleted();
      await batches.walkAddresses("PENDING", true);
      await batches.walkAddresses("HELD", true);
      await batches.walkAddresses("REJECTED", true);
      const loaded = await createReferentialRepository(db).loaded();
      await batches.walkAddresses("HELD", false, loaded);
      await batches.walkAddresses("REJECTED", false, loaded);
      await batches.walkAddresses("PENDING", false, loaded);
      await publications.finish(publication.id, "DONE", clock.now(), null);
    } catch (error) {
      await publications.finish(publication.id, "FAILED", clock.now(), String((error as Error).message).slice(0, 2000));
      throw error;
    }
    if (result.deferred > 0) log.warn({ deferred: result.deferred }, "directory changes deferred to the next night");
    return result;
  };
}

function createBatches({
  db,
  publisher,
  publicationId,
  day,
  clock,
  batchSize,
  result,
}: {
  db: Db;
  publisher: DirectoryPublisher;
  publicationId: string;
  day: string;
  clock: JobContext["clock"];
  batchSize: number;
  result: DirectoryPublicationResult;
}) {
  /** Writes a batch's entries (numbered with the batch) in its transaction. */
  async function insertEntries(publications: DirectoryPublicationRepository, batch: number, entries: FeedEntry[]) {
    if (entries.length === 0) return;
    const inserted = await publications.insertEntries(publicationId, batch, entries);
    // cannot happen under the publication lock with the check above; never send a batch that lost entries
    if (inserted !== entries.length) throw new Error("directory feed entries already written: batch rolled back");
  }

  async function send(batch: number, entries: FeedEntry[]) {
    if (entries.length === 0) return;
    const report = await publisher.publish({
      key: `${day}-${batch}`,
      runDate: day,
      batch,
      entries: orderEntries(entries),
    });
    await markSent(db, publicationId, batch, report, clock.now());
  }

  return {
    /** Walk 1: deleted correspondences the directory still holds. */
    async withdrawDeleted() {
      let cursor = ZERO_UUID;
      for (;;) {
        const outcome = await db.$transaction(async (tx) => {
          const publications = createDirectoryPublicationRepository(tx);
          // batches are decided one at a time, whatever the number of workers
          await publications.lock(publicationId);
          const tombstones = await publications.pendingWithdrawals(cursor, batchSize);
          if (tombstones.length === 0) return null;
          const taken = await publications.alreadyInFeed(
            publicationId,
            tombstones.map((t) => ({ action: "DELETE", address: t.address })),
          );
          const entries: FeedEntry[] = [];
          const withdrawn: typeof tombstones = [];
          for (const tombstone of tombstones) {
            const key = `DELETE ${tombstone.address}`;
            if (taken.has(key)) {
              result.deferred++;
              continue;
            }
            taken.add(key);
            withdrawn.push(tombstone);
            entries.push({
              id: randomUUID(),
              action: "DELETE",
              address: tombstone.address,
              accountId: tombstone.accountId,
              data: {
                address: tombstone.address,
                type: tombstone.type as AddressRow["type"],
                carrier: tombstone.carrier,
              },
            });
          }
          const batch = entries.length > 0 ? await publications.nextBatchNumber(publicationId) : 0;
          await insertEntries(publications, batch, entries);
          if (withdrawn.length > 0) {
            await publications.markWithdrawn(
              publicationId,
              withdrawn.map((t) => t.id),
              withdrawn.map((t) => t.accountId),
              clock.now(),
            );
          }
          return { batch, entries, last: (tombstones.at(-1) as { id: string }).id };
        });
        if (!outcome) return;
        cursor = outcome.last;
        result.processed += outcome.entries.length;
        await send(outcome.batch, outcome.entries);
      }
    },

    /** Walks 2 (`deletesOnly`) and 3 over the addresses in one publication status, in id order. */
    async walkAddresses(status: "PENDING" | "HELD" | "REJECTED", deletesOnly: boolean, loaded = false) {
      let cursor = ZERO_UUID;
      for (;;) {
        const outcome = await db.$transaction(async (tx) => {
          const publications = createDirectoryPublicationRepository(tx);
          await publications.lock(publicationId);
          // lock first, then read: the second statement sees every change committed by whoever held a row's lock
          const ids = await publications.lockAddresses(status, cursor, batchSize, deletesOnly);
          if (ids.length === 0) return null;
          const rows = await publications.addressRows(ids, status);
          const facts = deletesOnly ? null : await referentialFactsOf(createReferentialRepository(tx), rows, loaded);
          const decisions = rows.flatMap((row) => {
            const decision = decide(row, facts?.get(row.id) ?? NEUTRAL, deletesOnly);
            return decision ? [{ row, decision }] : [];
          });
          const taken = await publications.alreadyInFeed(
            publicationId,
            decisions.flatMap(({ decision }) => decision.entries),
          );
          const entries: FeedEntry[] = [];
          const applied: typeof decisions = [];
          for (const item of decisions) {
            const keys = item.decision.entries.map((entry) => `${entry.action} ${entry.address}`);
            if (keys.some((key) => taken.has(key))) {
              result.deferred++;
              continue;
            }
            for (const key of keys) taken.add(key);
            applied.push(item);
            for (const entry of item.decision.entries) entries.push({ ...entry, id: randomUUID() } as FeedEntry);
          }
          const batch = entries.length > 0 ? await publications.nextBatchNumber(publicationId) : 0;
          await insertEntries(publications, batch, entries);
          await applyDecisions(publications, publicationId, applied, clock.now());
          result.processed += applied.filter(({ decision }) => decision.held).length;
          return { batch, entries, last: ids.at(-1) as string };
        });
        if (!outcome) return;
        cursor = outcome.last;
        result.processed += outcome.entries.length;
        await send(outcome.batch, outcome.entries);
      }
    },
  };
}

const NEUTRAL: ReferentialFacts = {
  loaded: false,
  professional: null,
  structureKnown: true,
  structureHasFiness: false,
  practisesAtStructure: true,
};

/** The addresses' new publication state, and today's report of held entries, in the batch's transaction. */
async function applyDecisions(
  publications: DirectoryPublicationRepository,
  publicationId: string,
  applied: { row: AddressRow; decision: Decision }[],
  now: Date,
) {
  if (applied.length === 0) return;
  await publications.saveAddressStates(
    applied.map(({ row, decision }) => ({
      id: row.id,
      status: decision.status,
      publishedAddress: decision.publishedAddress,
      publishedType: decision.publishedType,
      publishedDigest: decision.publishedDigest,
      publishedCarrier: decision.publishedCarrier,
      sent: decision.entries.length > 0,
    })),
    now,
  );
  // held earlier today (before a crash), fixed since: no longer in today's report
  await publications.removeHeldEntries(
    publicationId,
    applied.filter(({ decision }) => !decision.held).map(({ row }) => row.accountId),
  );
  await publications.saveHeldEntries(
    publicationId,
    applied.flatMap(({ row, decision }) =>
      decision.held ? [{ address: row.address, accountId: row.accountId, codes: decision.held }] : [],
    ),
  );
}

/** Sends a publication's committed batches that were never marked sent (a crash or a publisher failure). */
async function sendUnsent(
  db: Db,
  publisher: DirectoryPublisher,
  publicationId: string,
  day: string,
  clock: JobContext["clock"],
) {
  const publications = createDirectoryPublicationRepository(db);
  for (const batch of await publications.unsentBatches(publicationId)) {
    const entries = await publications.batchEntries(publicationId, batch);
    const report = await publisher.publish({
      key: `${day}-${batch}`,
      runDate: day,
      batch,
      entries: orderEntries(entries),
    });
    await markSent(db, publicationId, batch, report, clock.now());
  }
}

/**
 * A batch the publisher took: its entries sent, the refused ones with the directory's code and message, and their
 * addresses told — a refused creation leaves the directory without the address (nothing published, tried again
 * the next night), a refused update leaves it with the previous data (digest forgotten: sent again the next night).
 * One transaction; run again after a crash it writes the same.
 */
async function markSent(db: Db, publicationId: string, batch: number, report: PublishReport | undefined, at: Date) {
  await db.$transaction(async (tx) => {
    const publications = createDirectoryPublicationRepository(tx);
    await publications.markRejected(publicationId, report?.rejected ?? [], at);
    await publications.markBatchSent(publicationId, batch, at);
  });
}

export const DIRECTORY_JOB_NAMES = { directoryPublication: "directory.publish" } as const;

export function createDirectoryJobDefinitions({ publisher }: DirectoryPublicationOptions): JobDefinition[] {
  return [
    {
      name: DIRECTORY_JOB_NAMES.directoryPublication,
      label: "Publication dans l'annuaire national",
      description:
        "Publie dans l'annuaire national MSSanté les créations, modifications et suppressions de correspondances du jour ; les adresses en erreur bloquante sont retenues et signalées.",
      // after the night's other account jobs (email changes 03:00, inactivity 03:30, rejections 04:00), so that
      // what they change or delete reaches the directory the same night
      cron: "0 5 * * *",
      handler: createDirectoryPublicationJob({ publisher }),
    },
  ];
}
