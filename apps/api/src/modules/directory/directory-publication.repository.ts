// The nightly publication's data (directory.jobs.ts tells the story): the publication of the day, its feed entries
// written and marked in numbered batches, the withdrawals of deleted correspondences, and the addresses' publication
// state. The methods that lock (FOR UPDATE) are meant for the batch's transaction client.
import { type DbTx, Prisma } from "@medimail/db/client";
import type { AddressRow } from "./directory-entry.ts";
import type { EntryRejection, FeedEntry } from "./directory-publisher.ts";

export type PublicationStatus = AddressRow["publicationStatus"];

/** A deleted correspondence the directory may still hold. */
export interface WithdrawalRow {
  id: string;
  address: string;
  accountId: string;
  type: string;
  carrier: string | null;
}

/** What a batch decided for one address: its new publication state, and whether an entry went out for it. */
export interface AddressState {
  id: string;
  status: PublicationStatus;
  publishedAddress: string | null;
  publishedType: AddressRow["publishedType"];
  publishedDigest: string | null;
  publishedCarrier: string | null;
  sent: boolean;
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

/** The directory refuses codes of any length; the column keeps this many characters. */
const REJECTED_CODE_LENGTH = 100;

export function createDirectoryPublicationRepository(db: DbTx) {
  return {
    /** Publications of earlier days left unfinished, oldest first. */
    unfinishedBefore(runDate: Date) {
      return db.directoryPublication.findMany({
        where: { status: { not: "DONE" }, runDate: { lt: runDate } },
        orderBy: { runDate: "asc" },
      });
    },

    /** The day's publication, created if it does not exist yet (a rerun continues it), marked running. */
    async openDay(runDate: Date, startedAt: Date, feedFile: string) {
      await db.directoryPublication.createMany({ data: [{ runDate, startedAt, feedFile }], skipDuplicates: true });
      const publication = await db.directoryPublication.findUniqueOrThrow({ where: { runDate } });
      await db.directoryPublication.update({
        where: { id: publication.id },
        data: { status: "RUNNING", error: null, feedFile },
      });
      return publication;
    },

    /** Locks the publication row until the transaction ends. */
    async lock(publicationId: string): Promise<void> {
      await db.$queryRaw`SELECT id FROM directory_publication WHERE id = ${publicationId}::uuid FOR UPDATE`;
    },

    async nextBatchNumber(publicationId: string): Promise<number> {
      const rows = await db.$queryRaw<{ next: number }[]>`
        SELECT (coalesce(max(batch), 0) + 1)::int AS next FROM directory_feed_entry WHERE publication_id = ${publicationId}::uuid`;
      return rows[0]?.next ?? 1;
    },

    /** Which of these (action, address) pairs the publication's feed already has: one probe of the unique index
     *  per pair. Keys "ACTION address". */
    async alreadyInFeed(publicationId: string, keys: { action: string; address: string }[]): Promise<Set<string>> {
      if (keys.length === 0) return new Set();
      const rows = await db.$queryRaw<{ action: string; address: string }[]>`
        SELECT k.action, k.address FROM unnest(${keys.map((key) => key.action)}::text[], ${keys.map((key) => key.address)}::text[])
               AS k(action, address)
         WHERE EXISTS (SELECT 1 FROM directory_feed_entry e WHERE e.publication_id = ${publicationId}::uuid
                          AND e.action = k.action::"DirectoryAction" AND e.address = k.address)`;
      return new Set(rows.map((row) => `${row.action} ${row.address}`));
    },

    /** Writes a batch's entries (an entry already in the feed is skipped); the number written. */
    insertEntries(publicationId: string, batch: number, entries: FeedEntry[]): Promise<number> {
      // one statement over arrays: a thousand entries with their JSON in a few milliseconds (createMany takes ~0.5 s)
      return db.$executeRaw`
        INSERT INTO directory_feed_entry (id, publication_id, batch, action, address, account_id, payload)
        SELECT v.id, ${publicationId}::uuid, ${batch}, v.action::"DirectoryAction", v.address, v.account_id, v.payload::jsonb
          FROM unnest(${entries.map((entry) => entry.id)}::uuid[], ${entries.map((entry) => entry.action)}::text[],
                      ${entries.map((entry) => entry.address)}::text[], ${entries.map((entry) => entry.accountId)}::uuid[],
                      ${entries.map((entry) => JSON.stringify(entry.data))}::text[])
               AS v(id, action, address, account_id, payload)
        ON CONFLICT (publication_id, action, address) DO NOTHING`;
    },

    /** Deleted correspondences not withdrawn yet, after `after` in id order, locked. */
    pendingWithdrawals(after: string, limit: number) {
      return db.$queryRaw<WithdrawalRow[]>`
        SELECT id, address, account_id AS "accountId", type::text AS type, carrier FROM directory_withdrawal
         WHERE published_at IS NULL AND id > ${after}::uuid ORDER BY id LIMIT ${limit} FOR UPDATE`;
    },

    /** Withdrawals sent with this publication; the lifecycle jobs' record of each deleted account says when its
     *  address left the directory. */
    async markWithdrawn(publicationId: string, ids: string[], accountIds: string[], at: Date): Promise<void> {
      await db.$executeRaw`UPDATE directory_withdrawal SET publication_id = ${publicationId}::uuid, published_at = ${at}
                            WHERE id = ANY(${ids}::uuid[])`;
      await db.$executeRaw`UPDATE deleted_account SET directory_withdrawn_at = ${at}
                            WHERE id = ANY(${accountIds}::uuid[]) AND directory_withdrawn_at IS NULL`;
    },

    /**
     * Locks the next addresses in this publication status after `after` (id order); `noLongerFitting`: only those
     * whose published entry no longer fits. Their ids.
     */
    async lockAddresses(
      status: PublicationStatus,
      after: string,
      limit: number,
      noLongerFitting: boolean,
    ): Promise<string[]> {
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT m.id FROM mss_address m
          ${noLongerFitting ? Prisma.sql`JOIN account a ON a.id = m.account_id` : Prisma.empty}
         WHERE m.publication_status = ${status}::"PublicationStatus" AND m.id > ${after}::uuid
           ${noLongerFitting ? Prisma.sql`AND ${NO_LONGER_FITS}` : Prisma.empty}
         ORDER BY m.id LIMIT ${limit} FOR UPDATE OF m`;
      return rows.map((row) => row.id);
    },

    /** These addresses with their account and structure, if still in this publication status. */
    addressRows(ids: string[], status: PublicationStatus) {
      return db.$queryRaw<AddressRow[]>`
        SELECT ${ADDRESS_COLUMNS} FROM mss_address m JOIN account a ON a.id = m.account_id
          JOIN structure s ON s.id = a.structure_id
         WHERE m.id = ANY(${ids}::uuid[]) AND m.publication_status = ${status}::"PublicationStatus"`;
    },

    /** The addresses' new publication state; a refusal is kept until a new entry goes out (or the address is held). */
    async saveAddressStates(states: AddressState[], now: Date): Promise<void> {
      if (states.length === 0) return;
      await db.$executeRaw`
        UPDATE mss_address m
           SET publication_status = v.status::"PublicationStatus", published_address = v.published_address,
               published_type = v.published_type::"AccountType", published_digest = v.published_digest,
               published_carrier = v.published_carrier,
               published_at = CASE WHEN v.sent THEN ${now}::timestamptz ELSE m.published_at END,
               rejection_code = CASE WHEN v.sent OR v.status <> 'PUBLISHED' THEN NULL ELSE m.rejection_code END,
               rejection_message = CASE WHEN v.sent OR v.status <> 'PUBLISHED' THEN NULL ELSE m.rejection_message END,
               rejected_at = CASE WHEN v.sent OR v.status <> 'PUBLISHED' THEN NULL ELSE m.rejected_at END
          FROM unnest(${states.map((s) => s.id)}::uuid[], ${states.map((s) => s.status)}::text[],
                      ${states.map((s) => s.publishedAddress)}::text[], ${states.map((s) => s.publishedType)}::text[],
                      ${states.map((s) => s.publishedDigest)}::text[], ${states.map((s) => s.publishedCarrier)}::text[],
                      ${states.map((s) => s.sent)}::boolean[])
               AS v(id, status, published_address, published_type, published_digest, published_carrier, sent)
         WHERE m.id = v.id`;
    },

    /** These accounts' addresses leave the publication's report of held entries. */
    async removeHeldEntries(publicationId: string, accountIds: string[]): Promise<void> {
      if (accountIds.length === 0) return;
      await db.$executeRaw`DELETE FROM directory_held_entry
                            WHERE publication_id = ${publicationId}::uuid AND account_id = ANY(${accountIds}::uuid[])`;
    },

    /** Addresses held back by the publication, with their codes (replacing what it reported of them before). */
    async saveHeldEntries(
      publicationId: string,
      held: { address: string; accountId: string; codes: string[] }[],
    ): Promise<void> {
      if (held.length === 0) return;
      await db.$executeRaw`
        INSERT INTO directory_held_entry (publication_id, address, account_id, codes)
        SELECT ${publicationId}::uuid, v.address, v.account_id, string_to_array(v.codes, ',')
          FROM unnest(${held.map((h) => h.address)}::text[], ${held.map((h) => h.accountId)}::uuid[],
                      ${held.map((h) => h.codes.join(","))}::text[]) AS v(address, account_id, codes)
        ON CONFLICT (publication_id, address) DO UPDATE SET codes = EXCLUDED.codes, account_id = EXCLUDED.account_id`;
    },

    /** The publication's committed batches never marked sent, in order. */
    async unsentBatches(publicationId: string): Promise<number[]> {
      const rows = await db.$queryRaw<{ batch: number }[]>`
        SELECT DISTINCT batch FROM directory_feed_entry
         WHERE publication_id = ${publicationId}::uuid AND sent_at IS NULL ORDER BY batch`;
      return rows.map((row) => row.batch);
    },

    /** A batch's entries as written. */
    async batchEntries(publicationId: string, batch: number): Promise<FeedEntry[]> {
      const rows = await db.directoryFeedEntry.findMany({ where: { publicationId, batch } });
      return rows.map(
        (row) =>
          ({
            id: row.id,
            action: row.action,
            address: row.address,
            accountId: row.accountId,
            data: row.payload,
          }) as FeedEntry,
      );
    },

    /**
     * Entries the directory refused, with its code and message, and their addresses told: a refused creation leaves
     * the directory without the address (nothing published), a refused update leaves it with the previous data
     * (digest forgotten).
     */
    async markRejected(publicationId: string, rejected: EntryRejection[], at: Date): Promise<void> {
      if (rejected.length === 0) return;
      const ids = rejected.map((r) => r.entryId);
      const codes = rejected.map((r) => r.code.slice(0, REJECTED_CODE_LENGTH));
      const messages = rejected.map((r) => r.message);
      await db.$executeRaw`
        UPDATE directory_feed_entry e SET rejected_code = v.code, rejected_message = v.message
          FROM unnest(${ids}::uuid[], ${codes}::text[], ${messages}::text[]) AS v(id, code, message)
         WHERE e.id = v.id AND e.publication_id = ${publicationId}::uuid`;
      await db.$executeRaw`
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
    },

    async markBatchSent(publicationId: string, batch: number, at: Date): Promise<void> {
      await db.$executeRaw`UPDATE directory_feed_entry SET sent_at = ${at}
                            WHERE publication_id = ${publicationId}::uuid AND batch = ${batch} AND sent_at IS NULL`;
    },

    /** Ends the publication; counts from what was written (never incremented: a resumed run counts each entry once). */
    async finish(publicationId: string, status: "DONE" | "FAILED", at: Date, error: string | null): Promise<void> {
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
    },
  };
}
export type DirectoryPublicationRepository = ReturnType<typeof createDirectoryPublicationRepository>;
