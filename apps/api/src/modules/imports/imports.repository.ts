// The imports' reads and bulk writes in SQL: one statement per batch whatever its size (arrays and unnest), where
// Prisma would compile a query of one placeholder per value (200 rows × 30 columns) and spend more time on it than
// the database does.
import type { AccountState, AccountType } from "@medimail/contracts/enums";
import { type DbTx, Prisma } from "@medimail/db/client";

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

/** The accounts an import reads, compares, creates and updates: a handful of statements per batch, never per row. */
export function createImportsRepository(db: DbTx) {
  return {
    accountsByEmail(emails: readonly string[]): Promise<ExistingAccount[]> {
      if (emails.length === 0) return Promise.resolve([]);
      return db.$queryRaw<ExistingAccount[]>`
        SELECT ${ACCOUNT_COLUMNS} FROM account WHERE email = ANY(${emails}::text[])`;
    },

    /** The addresses among these that a pending email change request asks for. */
    async requestedEmails(emails: readonly string[]): Promise<Set<string>> {
      if (emails.length === 0) return new Set();
      const rows = await db.$queryRaw<{ email: string }[]>`
        SELECT new_email AS email FROM email_change_request
         WHERE status = 'PENDING' AND new_email = ANY(${emails}::text[])`;
      return new Set(rows.map((row) => row.email));
    },

    /** The connection accounts' addresses of these ORG/APP mailboxes. */
    async connectionEmails(mailboxIds: readonly string[]): Promise<Map<string, string[]>> {
      const byMailbox = new Map<string, string[]>();
      if (mailboxIds.length === 0) return byMailbox;
      const rows = await db.$queryRaw<{ mailboxId: string; email: string }[]>`
        SELECT c.mailbox_id::text AS "mailboxId", a.email
          FROM connection_account c JOIN account a ON a.id = c.account_id
         WHERE c.mailbox_id = ANY(${mailboxIds}::uuid[])
         ORDER BY c.created_at`;
      for (const row of rows) byMailbox.set(row.mailboxId, [...(byMailbox.get(row.mailboxId) ?? []), row.email]);
      return byMailbox;
    },

    /** The MSSanté address of each of these accounts that has one. */
    async mssAddressesOf(accountIds: readonly string[]): Promise<Map<string, string>> {
      if (accountIds.length === 0) return new Map();
      const rows = await db.$queryRaw<{ accountId: string; address: string }[]>`
        SELECT account_id::text AS "accountId", address FROM mss_address WHERE account_id = ANY(${accountIds}::uuid[])`;
      return new Map(rows.map((row) => [row.accountId, row.address]));
    },

    /** Type and state of the accounts with these addresses (connection accounts named by rows). */
    async accountKinds(
      emails: readonly string[],
    ): Promise<Map<string, { id: string; type: AccountType; rejected: boolean; structureId: string }>> {
      if (emails.length === 0) return new Map();
      const rows = await db.$queryRaw<
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
    },

    /**
     * Among these accounts, those an import into `scope` (a structure and its daughters) must not change: an operator or
     * support account, or one administering a structure outside `scope` (changing it would hand over that structure).
     */
    async privilegedBeyond(accountIds: readonly string[], scope: ReadonlySet<string>): Promise<Set<string>> {
      if (accountIds.length === 0) return new Set();
      const rows = await db.$queryRaw<{ id: string; platform: boolean; administered: string[] }[]>`
        SELECT a.id::text AS id,
               a.platform_role IS NOT NULL OR EXISTS (SELECT 1 FROM support_grant g WHERE g.account_id = a.id) AS platform,
               ARRAY(SELECT structure_id::text FROM structure_admin sa WHERE sa.account_id = a.id) AS administered
          FROM account a WHERE a.id = ANY(${accountIds}::uuid[])`;
      return new Set(
        rows.filter((row) => row.platform || row.administered.some((id) => !scope.has(id))).map((row) => row.id),
      );
    },

    /** The type of the account owning each of these MSSanté addresses. */
    async mssAddressOwners(addresses: readonly string[]): Promise<Map<string, AccountType>> {
      if (addresses.length === 0) return new Map();
      const rows = await db.$queryRaw<{ address: string; type: AccountType }[]>`
        SELECT m.address, a.type::text AS type FROM mss_address m JOIN account a ON a.id = m.account_id
         WHERE m.address = ANY(${addresses}::text[])`;
      return new Map(rows.map((row) => [row.address, row.type]));
    },

    /**
     * Inserts the accounts and their "account.created" audit events in one statement (the per-structure counters'
     * trigger runs once for the batch). The batch travels as one JSON document, read by `jsonb_to_recordset`: one
     * array parameter per column cost the driver more than the database (each array written out as text, each element
     * escaped). Each event's `after` is the account's own entry of that document, less the columns not audited, plus
     * the import (every column named, null when empty: the same object as the account form records), built by
     * PostgreSQL from what it already has rather than sent as a second document as large as the first, for Node to
     * write out and Prisma to copy (about 2 s of an import's CPU).
     */
    async insertAccounts(
      accounts: readonly ImportedAccount[],
      created: { actor: { id: string | null; label: string }; importId: string },
    ): Promise<void> {
      if (accounts.length === 0) return;
      await db.$executeRaw`
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
    },

    /** Inserts audit events in one statement, the batch as one JSON document (as `insertAccounts`). */
    async insertAuditEvents(events: readonly AuditRow[]): Promise<void> {
      if (events.length === 0) return;
      const rows = events.map((event) => ({ ...event, actorLabel: event.actorLabel.slice(0, 254) }));
      // a missing or null before/after is a SQL NULL, as `recordAudit` writes it
      await db.$executeRaw`
        INSERT INTO audit_event (actor_id, actor_label, action, entity_type, entity_id, structure_id, before, after)
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
          "actorId" uuid, "actorLabel" text, action text, "entityType" text, "entityId" text, "structureId" uuid,
          before jsonb, after jsonb)`;
    },

    /** Links new ORG/APP mailboxes to their connection accounts, in one statement. */
    async insertConnectionAccounts(links: readonly { mailboxId: string; accountId: string }[]): Promise<void> {
      if (links.length === 0) return;
      await db.$executeRaw`
        INSERT INTO connection_account (mailbox_id, account_id)
        SELECT * FROM unnest(${links.map((link) => link.mailboxId)}::uuid[], ${links.map((link) => link.accountId)}::uuid[])
        ON CONFLICT DO NOTHING`;
    },

    /** The structure an import is made in: its name, its address and notification options for new accounts. */
    importStructure(structureId: string) {
      return db.structure.findUniqueOrThrow({
        where: { id: structureId },
        select: {
          name: true,
          addressLine: true,
          postcode: true,
          city: true,
          notifyOnReception: true,
          notifyDailyDigest: true,
          notifyOnOpening: true,
        },
      });
    },

    /** An account's address (the applier's, for its audit events); null when it is gone. */
    async emailOf(accountId: string): Promise<string | null> {
      return (await db.account.findUnique({ where: { id: accountId }, select: { email: true } }))?.email ?? null;
    },

    /** Updates an account if it is still at `version` (the version read by the plan); false when it changed since. */
    async updateAccount(accountId: string, version: number, columns: Prisma.AccountUpdateManyMutationInput) {
      const result = await db.account.updateMany({
        where: { id: accountId, version },
        data: { ...columns, version: { increment: 1 } },
      });
      return result.count > 0;
    },

    /** Removes the connection accounts of this mailbox (it is no longer an ORG or APP). */
    async unlinkConnectionAccounts(mailboxId: string): Promise<void> {
      await db.connectionAccount.deleteMany({ where: { mailboxId } });
    },

    /** Removes this account from the mailboxes it connects to (it is now an ORG or APP itself). */
    async unlinkFromMailboxes(accountId: string): Promise<void> {
      await db.connectionAccount.deleteMany({ where: { accountId } });
    },

    /** Stores single-use registration links (their secrets hashed), in one statement. */
    async insertOneTimeCodes(codes: readonly Prisma.OneTimeCodeCreateManyInput[]): Promise<void> {
      await db.oneTimeCode.createMany({ data: [...codes] });
    },

    /** Queues mails in the outbox, in one statement; a mail whose idempotency key is already there is skipped. */
    async queueMails(mails: readonly Prisma.OutboxMailCreateManyInput[]): Promise<void> {
      await db.outboxMail.createMany({ data: [...mails], skipDuplicates: true });
    },
  };
}
export type ImportsRepository = ReturnType<typeof createImportsRepository>;
