// The imports' reads and bulk writes in SQL: one statement per batch whatever its size (arrays and unnest), where
// Prisma would compile a query of one placeholder per value (200 rows × 30 columns) and spend more time on it than
// the database does.
import type { AccountState, AccountType } from "@medimail/contracts/enums";
import { type Db, type DbTx, Prisma, poolOf } from "@medimail/db/client";
import { StoredFileGone } from "./imports-files.ts";
import type { ZipBytes } from "./imports-xlsx.ts";

/** An account as the import compares and updates it. */
export interface ExistingAccount {
  id: string;
  version: number;
  structureId: string;
  state: AccountState;
  type: AccountType;
  email: string;
  lastName: string;
  firstName: string;
  profession: string | null;
  regionCode: string | null;
  rpps: string | null;
  adeli: string | null;
  finessSite: string | null;
  phone: string | null;
  addressLine: string | null;
  postcode: string | null;
  city: string | null;
  responsibleLastName: string | null;
  responsibleFirstName: string | null;
  responsibleProfession: string | null;
  responsibleNationalId: string | null;
  description: string | null;
  returnAddress: string | null;
  unlisted: boolean;
  dematerialisation: boolean;
  notifyOnReception: boolean;
  notifyDailyDigest: boolean;
  notifyOnOpening: boolean;
}

const ACCOUNT_COLUMNS = Prisma.sql`
  id::text AS id, version, structure_id::text AS "structureId", state::text AS state, type::text AS type, email,
  last_name AS "lastName", first_name AS "firstName", profession, region_code AS "regionCode", rpps, adeli,
  finess_site AS "finessSite", phone, address_line AS "addressLine", postcode, city,
  responsible_last_name AS "responsibleLastName", responsible_first_name AS "responsibleFirstName",
  responsible_profession AS "responsibleProfession", responsible_national_id AS "responsibleNationalId",
  description, return_address AS "returnAddress", unlisted, dematerialisation,
  notify_on_reception AS "notifyOnReception", notify_daily_digest AS "notifyDailyDigest",
  notify_on_opening AS "notifyOnOpening"`;

export function accountsByEmail(tx: DbTx, emails: readonly string[]): Promise<ExistingAccount[]> {
  if (emails.length === 0) return Promise.resolve([]);
  return tx.$queryRaw<ExistingAccount[]>`
    SELECT ${ACCOUNT_COLUMNS} FROM account WHERE email = ANY(${emails}::text[])`;
}

/** The addresses among these that a pending email change request asks for. */
export async function requestedEmails(tx: DbTx, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ email: string }[]>`
    SELECT new_email AS email FROM email_change_request
     WHERE status = 'PENDING' AND new_email = ANY(${emails}::text[])`;
  return new Set(rows.map((row) => row.email));
}

/** The connection accounts' addresses of these ORG/APP mailboxes. */
export async function connectionEmails(tx: DbTx, mailboxIds: readonly string[]): Promise<Map<string, string[]>> {
  const byMailbox = new Map<string, string[]>();
  if (mailboxIds.length === 0) return byMailbox;
  const rows = await tx.$queryRaw<{ mailboxId: string; email: string }[]>`
    SELECT c.mailbox_id::text AS "mailboxId", a.email
      FROM connection_account c JOIN account a ON a.id = c.account_id
     WHERE c.mailbox_id = ANY(${mailboxIds}::uuid[])
     ORDER BY c.created_at`;
  for (const row of rows) byMailbox.set(row.mailboxId, [...(byMailbox.get(row.mailboxId) ?? []), row.email]);
  return byMailbox;
}

/** The MSSanté address of each of these accounts that has one. */
export async function mssAddressesOf(tx: DbTx, accountIds: readonly string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ accountId: string; address: string }[]>`
    SELECT account_id::text AS "accountId", address FROM mss_address WHERE account_id = ANY(${accountIds}::uuid[])`;
  return new Map(rows.map((row) => [row.accountId, row.address]));
}

/** Type and state of the accounts with these addresses (connection accounts named by rows). */
export async function accountKinds(
  tx: DbTx,
  emails: readonly string[],
): Promise<Map<string, { id: string; type: AccountType; rejected: boolean; structureId: string }>> {
  if (emails.length === 0) return new Map();
  const rows = await tx.$queryRaw<
    { id: string; email: string; type: AccountType; state: AccountState; structureId: string }[]
  >`
    SELECT id::text AS id, email, type::text AS type, state::text AS state, structure_id::text AS "structureId"
      FROM account WHERE email = ANY(${emails}::text[])`;
  return new Map(
    rows.map((row) => [
      row.email,
      { id: row.id, type: row.type, rejected: row.state === "REJECTED", structureId: row.structureId },
    ]),
  );
}

/**
 * Among these accounts, those an import into `scope` (a structure and its daughters) must not change: an operator or
 * support account, or one administering a structure outside `scope` (changing it would hand over that structure).
 */
export async function privilegedBeyond(
  tx: DbTx,
  accountIds: readonly string[],
  scope: ReadonlySet<string>,
): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ id: string; platform: boolean; administered: string[] }[]>`
    SELECT a.id::text AS id,
           a.platform_role IS NOT NULL OR EXISTS (SELECT 1 FROM support_grant g WHERE g.account_id = a.id) AS platform,
           ARRAY(SELECT structure_id::text FROM structure_admin sa WHERE sa.account_id = a.id) AS administered
      FROM account a WHERE a.id = ANY(${accountIds}::uuid[])`;
  return new Set(
    rows.filter((row) => row.platform || row.administered.some((id) => !scope.has(id))).map((row) => row.id),
  );
}

/** The type of the account owning each of these MSSanté addresses. */
export async function mssAddressOwners(tx: DbTx, addresses: readonly string[]): Promise<Map<string, AccountType>> {
  if (addresses.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ address: string; type: AccountType }[]>`
    SELECT m.address, a.type::text AS type FROM mss_address m JOIN account a ON a.id = m.account_id
     WHERE m.address = ANY(${addresses}::text[])`;
  return new Map(rows.map((row) => [row.address, row.type]));
}

/** A new account's columns, as `profileColumns` and the import set them. */
export interface NewAccount {
  id: string;
  structureId: string;
  type: AccountType;
  state: AccountState;
  email: string;
  lastName: string;
  firstName: string;
  profession: string | null;
  regionCode: string | null;
  rpps: string | null;
  adeli: string | null;
  finessSite: string | null;
  phone: string | null;
  addressLine: string | null;
  postcode: string | null;
  city: string | null;
  responsibleLastName: string | null;
  responsibleFirstName: string | null;
  responsibleProfession: string | null;
  responsibleNationalId: string | null;
  description: string | null;
  returnAddress: string | null;
  unlisted: boolean;
  dematerialisation: boolean;
  notifyOnReception: boolean;
  notifyDailyDigest: boolean;
  notifyOnOpening: boolean;
  searchText: string;
  sortName: string;
}

/** A new account as the import writes it, with its connection accounts (ORG, APP; null for the others). */
export type ImportedAccount = NewAccount & { connectionAccounts: string[] | null };

/** Columns of a new account that its "account.created" event leaves out (its `after` has all the others). */
const NOT_AUDITED = ["id", "structureId", "searchText", "sortName"] as const satisfies readonly (keyof NewAccount)[];

/**
 * Inserts the accounts and their "account.created" audit events in one statement (the per-structure counters'
 * trigger runs once for the batch). The batch travels as one JSON document, read by `jsonb_to_recordset`: one
 * array parameter per column cost the driver more than the database (each array written out as text, each element
 * escaped). Each event's `after` is the account's own entry of that document, less the columns not audited, plus
 * the import (every column named, null when empty: the same object as the account form records), built by
 * PostgreSQL from what it already has rather than sent as a second document as large as the first, for Node to
 * write out and Prisma to copy (about 2 s of an import's CPU).
 */
export async function insertAccounts(
  tx: DbTx,
  accounts: readonly ImportedAccount[],
  created: { actor: { id: string | null; label: string }; importId: string },
): Promise<void> {
  if (accounts.length === 0) return;
  await tx.$executeRaw`
    WITH r AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(accounts)}::jsonb) AS r(
        id uuid, "structureId" uuid, type "AccountType", state "AccountState", email text, "lastName" text,
        "firstName" text, profession text, "regionCode" text, rpps text, adeli text, "finessSite" text, phone text,
        "addressLine" text, postcode text, city text, "responsibleLastName" text, "responsibleFirstName" text,
        "responsibleProfession" text, "responsibleNationalId" text, description text, "returnAddress" text,
        unlisted boolean, dematerialisation boolean, "notifyOnReception" boolean, "notifyDailyDigest" boolean,
        "notifyOnOpening" boolean, "searchText" text, "sortName" text, "connectionAccounts" jsonb)),
    inserted AS (
      INSERT INTO account (id, structure_id, type, state, email, last_name, first_name, profession, region_code, rpps,
                           adeli, finess_site, phone, address_line, postcode, city, responsible_last_name,
                           responsible_first_name, responsible_profession, responsible_national_id, description,
                           return_address, unlisted, dematerialisation, notify_on_reception, notify_daily_digest,
                           notify_on_opening, search_text, sort_name, updated_at)
      SELECT id, "structureId", type, state, email, "lastName", "firstName", profession, "regionCode", rpps, adeli,
             "finessSite", phone, "addressLine", postcode, city, "responsibleLastName", "responsibleFirstName",
             "responsibleProfession", "responsibleNationalId", description, "returnAddress", unlisted,
             dematerialisation, "notifyOnReception", "notifyDailyDigest", "notifyOnOpening", "searchText",
             "sortName", now()
        FROM r)
    INSERT INTO audit_event (actor_id, actor_label, action, entity_type, entity_id, structure_id, before, after)
    SELECT ${created.actor.id}::uuid, ${created.actor.label.slice(0, 254)}, 'account.created', 'account', r.id::text,
           r."structureId", NULL,
           (to_jsonb(r) - ${[...NOT_AUDITED]}::text[]) || jsonb_build_object('importId', ${created.importId}::text)
      FROM r`;
}

export interface AuditRow {
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  structureId: string | null;
  before: unknown;
  after: unknown;
}

/** Inserts audit events in one statement, the batch as one JSON document (as `insertAccounts`). */
export async function insertAuditEvents(tx: DbTx, events: readonly AuditRow[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({ ...event, actorLabel: event.actorLabel.slice(0, 254) }));
  // a missing or null before/after is a SQL NULL, as `recordAudit` writes it
  await tx.$executeRaw`
    INSERT INTO audit_event (actor_id, actor_label, action, entity_type, entity_id, structure_id, before, after)
    SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      "actorId" uuid, "actorLabel" text, action text, "entityType" text, "entityId" text, "structureId" uuid,
      before jsonb, after jsonb)`;
}

export interface RowErrorRow {
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
}

/** Stores rejected rows in one statement. */
export async function insertRowErrors(
  tx: DbTx,
  importId: string,
  atApply: boolean,
  errors: readonly RowErrorRow[],
): Promise<void> {
  if (errors.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO import_row_error (import_id, at_apply, line, "column", value, reason)
    SELECT ${importId}::uuid, ${atApply}, * FROM unnest(
      ${errors.map((error) => error.line)}::int[], ${errors.map((error) => error.column)}::text[],
      ${errors.map((error) => error.value)}::text[], ${errors.map((error) => error.reason)}::text[])`;
}

/** Links new ORG/APP mailboxes to their connection accounts, in one statement. */
export async function insertConnectionAccounts(
  tx: DbTx,
  links: readonly { mailboxId: string; accountId: string }[],
): Promise<void> {
  if (links.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO connection_account (mailbox_id, account_id)
    SELECT * FROM unnest(${links.map((link) => link.mailboxId)}::uuid[], ${links.map((link) => link.accountId)}::uuid[])
    ON CONFLICT DO NOTHING`;
}

/** Slices of the stored file read at a time: each travels as hex text twice its size. */
const FILE_SLICE = 1024 * 1024;

/**
 * Stores an import's file. Straight through the connection pool rather than Prisma, which would keep a copy of
 * so large a parameter in its debug history (see `poolOf`): sent as binary, the file costs no more than itself.
 */
export async function storeFile(db: Db, importId: string, content: Buffer): Promise<void> {
  await poolOf(db).query("UPDATE import_job SET content = $1 WHERE id = $2::uuid", [content, importId]);
}

/**
 * The stored file of an import, to be read a megabyte at a time (one 20 MB answer would be 40 MB of hex text at
 * once, held while the reader works through it); null once purged. `slices()` reads them as the reader asks for them: a CSV's apply then never holds the whole file.
 */
export async function storedFile(
  db: Db,
  importId: string,
): Promise<{ size: number; slices: () => AsyncGenerator<Buffer>; ranges: ZipBytes["ranges"] } | null> {
  const pool = poolOf(db);
  const found = await pool.query<{ size: number | null }>(
    "SELECT octet_length(content) AS size FROM import_job WHERE id = $1::uuid",
    [importId],
  );
  const storedSize = found.rows[0]?.size;
  if (storedSize === undefined || storedSize === null) return null;
  const size: number = storedSize;
  async function* ranges(from: number, length: number): AsyncGenerator<Buffer> {
    const until = Math.min(from + length, size);
    for (let offset = from; offset < until; offset += FILE_SLICE) {
      const wanted = Math.min(FILE_SLICE, until - offset);
      const slice = await pool.query<{ bytes: Buffer | null }>(
        "SELECT substring(content FROM $1::int FOR $2::int) AS bytes FROM import_job WHERE id = $3::uuid",
        [offset + 1, wanted, importId],
      );
      const bytes = slice.rows[0]?.bytes;
      if (!bytes || bytes.length !== wanted) throw new StoredFileGone();
      yield bytes;
    }
  }
  return { size, slices: () => ranges(0, size), ranges };
}

/** The stored file of an import whole (an XLSX is read by its end first), or null once purged. */
export async function readStoredFile(db: Db, importId: string): Promise<Buffer | null> {
  const stored = await storedFile(db, importId);
  if (!stored) return null;
  // each slice is copied into the file as it comes: keeping the slices to join them at the end would hold the
  // file twice at that moment (the import's peak of memory, measured)
  const file = Buffer.allocUnsafe(stored.size);
  let offset = 0;
  try {
    for await (const slice of stored.slices()) {
      slice.copy(file, offset);
      offset += slice.length;
    }
  } catch (error) {
    if (error instanceof StoredFileGone) return null;
    throw error;
  }
  return file;
}
