import { randomUUID } from "node:crypto";
import { type Db, type DbTx, Prisma } from "@medimail/db/client";
import { type FeedCode, feedIssues, isBlocked, type ReferentialFacts } from "@medimail/domain/feed-rules";
import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { carrierKey, carrierOf, mailboxContactPoint } from "./ans-fhir.ts";
import { type AddressRow, digestOf, entryDataOf, feedSubjectOf } from "./directory-entry.ts";
import { type DirectoryPublisher, type FeedEntry, orderEntries, type PublishReport } from "./directory-publisher.ts";
import { referentialFactsOf, referentialLoaded } from "./referential-facts.ts";

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

const ADDRESS_COLUMNS = Prisma.sql`
  m.id, m.account_id AS "accountId", m.address, m.listed, m.publication_status::text AS "publicationStatus",
  m.published_address AS "publishedAddress", m.published_type::text AS "publishedType",
  m.published_digest AS "publishedDigest", m.published_carrier AS "publishedCarrier", a.type::text AS type,
  a.last_name AS "lastName", a.first_name AS "firstName", a.rpps, a.adeli, a.profession,
  a.finess_site AS "finessSite", a.responsible_last_name AS "responsibleLastName",
  a.responsible_first_name AS "responsibleFirstName", a.responsible_national_id AS "responsibleNationalId",
  a.description,
  s.name AS "structureName", s.identifier_type::text AS "structureIdentifierType", s.identifier AS "structureIdentifier"`;

/** An entry that no longer fits: the walk-2 filter (rechecked on fresh data by `decide`, which also sees a change
 *  of carrying resource). */
const NO_LONGER_FITS = Prisma.sql`m.published_address IS NOT NULL
  AND (m.address <> m.published_address OR a.type::text <> m.published_type::text OR a.type = 'MED')`;

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

    // earlier nights left unfinished (their publisher failed): what they committed goes out first, in order
    const unfinished = await db.directoryPublication.findMany({
      where: { status: { not: "DONE" }, runDate: { lt: dateOfDay(day) } },
      orderBy: { runDate: "asc" },
    });
    for (const earlier of unfinished) {
      await sendUnsent(db, publisher, earlier.id, dayOfDate(earlier.runDate), clock);
      await finish(db, earlier.id, "DONE", clock.now());
    }

    await db.directoryPublication.createMany({
      data: [{ runDate: dateOfDay(day), startedAt: now, feedFile: publisher.target }],
      skipDuplicates: true,
    });
    // a rerun the same day (a retry, or "Lancer maintenant") continues the day's publication: it sends what changed
    // since, in new batches; a second change of one kind to one address the same day waits for the next night
    const publication = await db.directoryPublication.findUniqueOrThrow({ where: { runDate: dateOfDay(day) } });
    await db.directoryPublication.update({
      where: { id: publication.id },
      data: { status: "RUNNING", error: null, feedFile: publisher.target },
    });

    const batches = createBatches({ db, publisher, publicationId: publication.id, day, clock, batchSize, result });
    try {
      await sendUnsent(db, publisher, publication.id, day, clock);
      await batches.withdrawDeleted();
      await batches.walkAddresses("PENDING", true);
      await batches.walkAddresses("HELD", true);
      await batches.walkAddresses("REJECTED", true);
      const loaded = await referentialLoaded(db);
      await batches.walkAddresses("HELD", false, loaded);
      await batches.walkAddresses("REJECTED", false, loaded);
      await batches.walkAddresses("PENDING", false, loaded);
      await finish(db, publication.id, "DONE", clock.now());
    } catch (error) {
      await finish(db, publication.id, "FAILED", clock.now(), String((error as Error).message).slice(0, 2000));
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
  /** Locks the publication (batches are decided one at a time, whatever the number of workers). */
  async function lockPublication(tx: DbTx) {
    await tx.$queryRaw`SELECT id FROM directory_publication WHERE id = ${publicationId}::uuid FOR UPDATE`;
  }

  async function nextBatchNumber(tx: DbTx): Promise<number> {
    const rows = await tx.$queryRaw<{ next: number }[]>`
      SELECT (coalesce(max(batch), 0) + 1)::int AS next FROM directory_feed_entry WHERE publication_id = ${publicationId}::uuid`;
    return rows[0]?.next ?? 1;
  }

  /** Which of these (action, address) pairs today's feed already has: one probe of the unique index per pair. */
  async function alreadyInFeed(tx: DbTx, keys: { action: string; address: string }[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await tx.$queryRaw<{ action: string; address: string }[]>`
      SELECT k.action, k.address FROM unnest(${keys.map((key) => key.action)}::text[], ${keys.map((key) => key.address)}::text[])
             AS k(action, address)
       WHERE EXISTS (SELECT 1 FROM directory_feed_entry e WHERE e.publication_id = ${publicationId}::uuid
                        AND e.action = k.action::"DirectoryAction" AND e.address = k.address)`;
    return new Set(rows.map((row) => `${row.action} ${row.address}`));
  }

  async function insertEntries(tx: DbTx, batch: number, entries: FeedEntry[]) {
    if (entries.length === 0) return;
    // one statement over arrays: a thousand entries with their JSON in a few milliseconds (createMany takes ~0.5 s)
    const inserted = await tx.$executeRaw`
      INSERT INTO directory_feed_entry (id, publication_id, batch, action, address, account_id, payload)
      SELECT v.id, ${publicationId}::uuid, ${batch}, v.action::"DirectoryAction", v.address, v.account_id, v.payload::jsonb
        FROM unnest(${entries.map((entry) => entry.id)}::uuid[], ${entries.map((entry) => entry.action)}::text[],
                    ${entries.map((entry) => entry.address)}::text[], ${entries.map((entry) => entry.accountId)}::uuid[],
                    ${entries.map((entry) => JSON.stringify(entry.data))}::text[])
             AS v(id, action, address, account_id, payload)
      ON CONFLICT (publication_id, action, address) DO NOTHING`;
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
          await lockPublication(tx);
          const tombstones = await tx.$queryRaw<
            { id: string; address: string; accountId: string; type: string; carrier: string | null }[]
          >`
            SELECT id, address, account_id AS "accountId", type::text AS type, carrier FROM directory_withdrawal
             WHERE published_at IS NULL AND id > ${cursor}::uuid ORDER BY id LIMIT ${batchSize} FOR UPDATE`;
          if (tombstones.length === 0) return null;
          const taken = await alreadyInFeed(
            tx,
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
          const batch = entries.length > 0 ? await nextBatchNumber(tx) : 0;
          await insertEntries(tx, batch, entries);
          if (withdrawn.length > 0) {
            const ids = withdrawn.map((t) => t.id);
            const accountIds = withdrawn.map((t) => t.accountId);
            const at = clock.now();
            await tx.$executeRaw`UPDATE directory_withdrawal SET publication_id = ${publicationId}::uuid, published_at = ${at}
                                  WHERE id = ANY(${ids}::uuid[])`;
            // the lifecycle jobs' record of a deleted account says when its address left the directory
            await tx.$executeRaw`UPDATE deleted_account SET directory_withdrawn_at = ${at}
                                  WHERE id = ANY(${accountIds}::uuid[]) AND directory_withdrawn_at IS NULL`;
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
          await lockPublication(tx);
          // lock first, then read: the second statement sees every change committed by whoever held a row's lock
          const locked = await tx.$queryRaw<{ id: string }[]>`
            SELECT m.id FROM mss_address m
              ${deletesOnly ? Prisma.sql`JOIN account a ON a.id = m.account_id` : Prisma.empty}
             WHERE m.publication_status = ${status}::"PublicationStatus" AND m.id > ${cursor}::uuid
               ${deletesOnly ? Prisma.sql`AND ${NO_LONGER_FITS}` : Prisma.empty}
             ORDER BY m.id LIMIT ${batchSize} FOR UPDATE OF m`;
          if (locked.length === 0) return null;
          const ids = locked.map((row) => row.id);
          const rows = await tx.$queryRaw<AddressRow[]>`
            SELECT ${ADDRESS_COLUMNS} FROM mss_address m JOIN account a ON a.id = m.account_id
              JOIN structure s ON s.id = a.structure_id
             WHERE m.id = ANY(${ids}::uuid[]) AND m.publication_status = ${status}::"PublicationStatus"`;
          const facts = deletesOnly ? null : await referentialFactsOf(tx, rows, loaded);
          const decisions = rows.flatMap((row) => {
            const decision = decide(row, facts?.get(row.id) ?? NEUTRAL, deletesOnly);
            return decision ? [{ row, decision }] : [];
          });
          const taken = await alreadyInFeed(
            tx,
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
          const batch = entries.length > 0 ? await nextBatchNumber(tx) : 0;
          await insertEntries(tx, batch, entries);
          await applyDecisions(tx, publicationId, applied, clock.now());
          result.processed += applied.filter(({ decision }) => decision.held).length;
          return { batch, entries, last: (locked.at(-1) as { id: string }).id };
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
  tx: DbTx,
  publicationId: string,
  applied: { row: AddressRow; decision: Decision }[],
  now: Date,
) {
  if (applied.length === 0) return;
  const ids = applied.map(({ row }) => row.id);
  const statuses = applied.map(({ decision }) => decision.status);
  const addresses = applied.map(({ decision }) => decision.publishedAddress);
  const types = applied.map(({ decision }) => decision.publishedType);
  const digests = applied.map(({ decision }) => decision.publishedDigest);
  const carriers = applied.map(({ decision }) => decision.publishedCarrier);
  const sent = applied.map(({ decision }) => decision.entries.length > 0);
  // a refusal is kept until a new entry goes out (or the address is held)
  await tx.$executeRaw`
    UPDATE mss_address m
       SET publication_status = v.status::"PublicationStatus", published_address = v.published_address,
           published_type = v.published_type::"AccountType", published_digest = v.published_digest,
           published_carrier = v.published_carrier,
           published_at = CASE WHEN v.sent THEN ${now}::timestamptz ELSE m.published_at END,
           rejection_code = CASE WHEN v.sent OR v.status <> 'PUBLISHED' THEN NULL ELSE m.rejection_code END,
           rejection_message = CASE WHEN v.sent OR v.status <> 'PUBLISHED' THEN NULL ELSE m.rejection_message END,
           rejected_at = CASE WHEN v.sent OR v.status <> 'PUBLISHED' THEN NULL ELSE m.rejected_at END
      FROM unnest(${ids}::uuid[], ${statuses}::text[], ${addresses}::text[], ${types}::text[], ${digests}::text[],
                  ${carriers}::text[], ${sent}::boolean[])
           AS v(id, status, published_address, published_type, published_digest, published_carrier, sent)
     WHERE m.id = v.id`;

  const held = applied.filter(({ decision }) => decision.held);
  const notHeld = applied.filter(({ decision }) => !decision.held).map(({ row }) => row.accountId);
  if (notHeld.length > 0) {
    // held earlier today (before a crash), fixed since: no longer in today's report
    await tx.$executeRaw`DELETE FROM directory_held_entry
                          WHERE publication_id = ${publicationId}::uuid AND account_id = ANY(${notHeld}::uuid[])`;
  }
  if (held.length > 0) {
    await tx.$executeRaw`
      INSERT INTO directory_held_entry (publication_id, address, account_id, codes)
      SELECT ${publicationId}::uuid, v.address, v.account_id, string_to_array(v.codes, ',')
        FROM unnest(${held.map(({ row }) => row.address)}::text[], ${held.map(({ row }) => row.accountId)}::uuid[],
                    ${held.map(({ decision }) => (decision.held ?? []).join(","))}::text[]) AS v(address, account_id, codes)
      ON CONFLICT (publication_id, address) DO UPDATE SET codes = EXCLUDED.codes, account_id = EXCLUDED.account_id`;
  }
}

/** Sends a publication's committed batches that were never marked sent (a crash or a publisher failure). */
async function sendUnsent(
  db: Db,
  publisher: DirectoryPublisher,
  publicationId: string,
  day: string,
  clock: JobContext["clock"],
) {
  const batches = await db.$queryRaw<{ batch: number }[]>`
    SELECT DISTINCT batch FROM directory_feed_entry
     WHERE publication_id = ${publicationId}::uuid AND sent_at IS NULL ORDER BY batch`;
  for (const { batch } of batches) {
    const rows = await db.directoryFeedEntry.findMany({ where: { publicationId, batch } });
    const entries = rows.map(
      (row) =>
        ({
          id: row.id,
          action: row.action,
          address: row.address,
          accountId: row.accountId,
          data: row.payload,
        }) as FeedEntry,
    );
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
  const rejected = report?.rejected ?? [];
  await db.$transaction(async (tx) => {
    if (rejected.length > 0) {
      const ids = rejected.map((r) => r.entryId);
      const codes = rejected.map((r) => r.code.slice(0, 100));
      const messages = rejected.map((r) => r.message);
      await tx.$executeRaw`
        UPDATE directory_feed_entry e SET rejected_code = v.code, rejected_message = v.message
          FROM unnest(${ids}::uuid[], ${codes}::text[], ${messages}::text[]) AS v(id, code, message)
         WHERE e.id = v.id AND e.publication_id = ${publicationId}::uuid`;
      await tx.$executeRaw`
        UPDATE mss_address m
           SET publication_status = CASE WHEN m.publication_status = 'PUBLISHED' THEN 'REJECTED'::"PublicationStatus"
                                         ELSE m.publication_status END,
               published_address = CASE WHEN e.action = 'CREATE' THEN NULL ELSE m.published_address END,
               published_type = CASE WHEN e.action = 'CREATE' THEN NULL ELSE m.published_type END,
               published_carrier = CASE WHEN e.action = 'CREATE' THEN NULL ELSE m.published_carrier END,
               published_digest = NULL,
               rejection_code = e.rejected_code, rejection_message = e.rejected_message, rejected_at = ${at}
          FROM directory_feed_entry e
         WHERE e.id = ANY(${ids}::uuid[]) AND e.action IN ('CREATE', 'UPDATE')
           AND m.account_id = e.account_id AND m.published_address = e.address`;
    }
    await tx.$executeRaw`UPDATE directory_feed_entry SET sent_at = ${at}
                          WHERE publication_id = ${publicationId}::uuid AND batch = ${batch} AND sent_at IS NULL`;
  });
}

/** Counts from what was written (never incremented: a resumed run counts each entry once). */
async function finish(db: Db, publicationId: string, status: "DONE" | "FAILED", at: Date, error: string | null = null) {
  await db.$executeRaw`
    UPDATE directory_publication p
       SET status = ${status}::"BackgroundTaskStatus", finished_at = ${at}, error = ${error},
           created = c.created, updated = c.updated, deleted = c.deleted, rejected = c.rejected,
           held = (SELECT count(*)::int FROM directory_held_entry h WHERE h.publication_id = p.id)
      FROM (SELECT count(*) FILTER (WHERE action = 'CREATE')::int AS created,
                   count(*) FILTER (WHERE action = 'UPDATE')::int AS updated,
                   count(*) FILTER (WHERE action = 'DELETE')::int AS deleted,
                   count(*) FILTER (WHERE rejected_code IS NOT NULL)::int AS rejected
              FROM directory_feed_entry WHERE publication_id = ${publicationId}::uuid) c
     WHERE p.id = ${publicationId}::uuid`;
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
