import type { AccountCounts, AccountListItem, AccountSort } from "@medimail/contracts/accounts";
import type { AccountState, AccountType } from "@medimail/contracts/enums";
import { type DbTx, Prisma } from "@medimail/db/client";
import { foldForSearch } from "@medimail/domain/text";
import { z } from "zod";
import { cursorParts, keysetCursor } from "../../lib/cursor.ts";
import { createStructureTreeRepository } from "../../lib/structure-tree.repository.ts";

export interface AccountSearch {
  /** the structure alone, or with every descendant */
  structureIds: string[];
  text?: string;
  state?: AccountState;
  type?: AccountType;
  sort: AccountSort;
  order: "asc" | "desc";
  after?: Cursor;
  limit: number;
}

/** Where the previous page stopped: the sort value and the id of its last row (keyset pagination). */
export type Cursor = { value: string; id: string };

const SORT_COLUMNS: Record<AccountSort, Prisma.Sql> = {
  name: Prisma.sql`a.sort_name`,
  email: Prisma.sql`a.email`,
  createdAt: Prisma.sql`a.created_at`,
};

const accountsCursor = keysetCursor(z.tuple([cursorParts.text, cursorParts.id]));

export function encodeCursor(cursor: Cursor): string {
  return accountsCursor.encode([cursor.value, cursor.id]);
}

/** undefined for the first page; a 400 when the text is not a cursor this API wrote. */
export function decodeCursor(text: string | undefined): Cursor | undefined {
  const key = accountsCursor.decode(text);
  return key && { value: key[0], id: key[1] };
}

/** `%`, `_` and `\` are LIKE's own characters: matched literally. */
const likeContains = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Row = {
  id: string;
  version: number;
  email: string;
  type: AccountType;
  state: AccountState;
  previous_state: AccountState | null;
  last_name: string;
  first_name: string;
  profession: string | null;
  rpps: string | null;
  adeli: string | null;
  mss_address: string | null;
  structure_id: string;
  structure_name: string;
  created_at: Date;
  last_reminder_at: Date | null;
  rejected_at: Date | null;
  has_pending_email_change: boolean;
  sort_value: string;
};

export function createAccountsRepository(db: DbTx) {
  const tree = createStructureTreeRepository(db);
  return {
    /** The structure and, when asked, all its descendants (one recursive query). */
    structureIds: (structureId: string, withDaughters: boolean): Promise<string[]> =>
      tree.subtreeIds(structureId, withDaughters),

    /**
     * One page of accounts, keyset-paged: the page after a cursor costs what the first one does. Every word of
     * the text must appear in the folded "email nom prénom rpps adeli" (trigram index); the page is selected on
     * `account` alone and joined to its structure and MSSanté address afterwards.
     *
     * With a text, PostgreSQL may walk the list in order until it meets a page of matches: quick for a frequent
     * word, but the whole list for a rare one (a surname is only met at its place in the alphabet; a name that no
     * mailbox of the chosen type has, never: seconds over a region). So when a word can use the trigram index, every
     * match is found through the indexes first and only then sorted (OFFSET 0 keeps the planner from walking):
     * the cost follows the number of matches. Words of one or two characters cannot use the index: walked.
     */
    async search(search: AccountSearch): Promise<{ items: AccountListItem[]; next: Cursor | null }> {
      const column = SORT_COLUMNS[search.sort];
      // the cursor carries the sort value as text; a timestamp to the millisecond, as stored
      const sortValue =
        search.sort === "createdAt"
          ? Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS')`
          : column;
      const conditions: Prisma.Sql[] = [
        search.structureIds.length === 1
          ? Prisma.sql`a.structure_id = ${search.structureIds[0]}::uuid`
          : Prisma.sql`a.structure_id = ANY(${search.structureIds}::uuid[])`,
      ];
      const words = foldForSearch(search.text ?? "")
        .split(/\s+/)
        .filter(Boolean);
      for (const word of words) conditions.push(Prisma.sql`a.search_text LIKE ${likeContains(word)}`);
      // pg_trgm takes trigrams from runs of letters and digits
      const matchesFirst = words.some((word) => /[\p{L}\p{N}]{3}/u.test(word));
      if (search.state) conditions.push(Prisma.sql`a.state = ${search.state}::"AccountState"`);
      if (search.type) conditions.push(Prisma.sql`a.type = ${search.type}::"AccountType"`);
      if (search.after) {
        const value =
          search.sort === "createdAt"
            ? Prisma.sql`(${search.after.value}::timestamp AT TIME ZONE 'UTC')`
            : Prisma.sql`${search.after.value}`;
        conditions.push(
          search.order === "asc"
            ? Prisma.sql`(${column}, a.id) > (${value}, ${search.after.id}::uuid)`
            : Prisma.sql`(${column}, a.id) < (${value}, ${search.after.id}::uuid)`,
        );
      }
      const direction = search.order === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
      const rows = await db.$queryRaw<Row[]>`
        SELECT page.*, s.name AS structure_name, m.address AS mss_address,
               EXISTS (SELECT 1 FROM email_change_request r
                        WHERE r.account_id = page.id AND r.status = 'PENDING') AS has_pending_email_change
        FROM (
          SELECT * FROM (
            SELECT a.id, a.version, a.email, a.type, a.state, a.previous_state, a.last_name, a.first_name,
                   a.profession, a.rpps, a.adeli, a.structure_id, a.created_at, a.last_reminder_at, a.rejected_at,
                   ${column} AS sort_key, ${sortValue} AS sort_value
            FROM account a
            WHERE ${Prisma.join(conditions, " AND ")}
            ${matchesFirst ? Prisma.sql`OFFSET 0` : Prisma.empty}
          ) selected
          ORDER BY sort_key ${direction}, id ${direction}
          LIMIT ${search.limit + 1}
        ) page
        JOIN structure s ON s.id = page.structure_id
        LEFT JOIN mss_address m ON m.account_id = page.id
        ORDER BY page.sort_key ${direction}, page.id ${direction}`;
      const more = rows.length > search.limit;
      const page = more ? rows.slice(0, search.limit) : rows;
      const last = page.at(-1);
      return {
        items: page.map((row) => ({
          id: row.id,
          version: row.version,
          email: row.email,
          type: row.type,
          state: row.state,
          previousState: row.previous_state,
          lastName: row.last_name,
          firstName: row.first_name,
          profession: row.profession,
          rpps: row.rpps,
          adeli: row.adeli,
          mssAddress: row.mss_address,
          structureId: row.structure_id,
          structureName: row.structure_name,
          createdAt: row.created_at.toISOString(),
          lastReminderAt: row.last_reminder_at?.toISOString() ?? null,
          rejectedAt: row.rejected_at?.toISOString() ?? null,
          hasPendingEmailChange: row.has_pending_email_change,
        })),
        next: more && last ? { value: last.sort_value, id: last.id } : null,
      };
    },

    /** The tabs' counts: per-state totals kept by triggers (one row per structure), pending email changes. */
    async counts(structureIds: string[]): Promise<AccountCounts> {
      const [totals] = await db.$queryRaw<
        { validated: number; pending: number; preregistered: number; rejected: number }[]
      >`
        SELECT coalesce(sum(validated), 0)::int AS validated, coalesce(sum(pending_validation), 0)::int AS pending,
               coalesce(sum(preregistered), 0)::int AS preregistered, coalesce(sum(rejected), 0)::int AS rejected
        FROM structure_account_count WHERE structure_id = ANY(${structureIds}::uuid[])`;
      const [changes] = await db.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM email_change_request r JOIN account a ON a.id = r.account_id
        WHERE r.status = 'PENDING' AND a.structure_id = ANY(${structureIds}::uuid[])`;
      return {
        VALIDATED: totals?.validated ?? 0,
        PENDING_VALIDATION: totals?.pending ?? 0,
        PREREGISTERED: totals?.preregistered ?? 0,
        REJECTED: totals?.rejected ?? 0,
        emailChanges: changes?.count ?? 0,
      };
    },

    findById: (id: string) => db.account.findUnique({ where: { id } }),
    /** The account, which must exist (else Prisma's not-found error). */
    getById: (id: string) => db.account.findUniqueOrThrow({ where: { id } }),
    findByEmail: (email: string) => db.account.findUnique({ where: { email } }),

    /** Waits for, then holds until the transaction's end, the account's row: changes of one account queue on it. */
    async lock(id: string): Promise<void> {
      await db.$queryRaw`SELECT id FROM account WHERE id = ${id}::uuid FOR UPDATE`;
    },

    /** Who already uses an address: an account's login, or a pending change request (other than `exceptRequestId`). */
    async addressInUse(email: string, exceptRequestId: string | null = null): Promise<"account" | "request" | null> {
      const holder = await db.account.findUnique({ where: { email }, select: { id: true } });
      if (holder) return "account";
      const pending = await db.emailChangeRequest.findFirst({
        where: { newEmail: email, status: "PENDING", ...(exceptRequestId ? { id: { not: exceptRequestId } } : {}) },
        select: { id: true },
      });
      return pending ? "request" : null;
    },

    insert: (data: Prisma.AccountUncheckedCreateInput) => db.account.create({ data }),

    /** One guarded update: false when the row changed since `version` (or is gone). */
    async updateAtVersion(
      id: string,
      version: number,
      data: Prisma.AccountUpdateManyMutationInput & { structureId?: string },
    ): Promise<boolean> {
      const updated = await db.account.updateMany({
        where: { id, version },
        data: { ...data, version: { increment: 1 } },
      });
      return updated.count > 0;
    },

    structure: (id: string) => db.structure.findUniqueOrThrow({ where: { id } }),
    structureMssDomain: async (id: string) =>
      (await db.structure.findUniqueOrThrow({ where: { id }, select: { mssDomain: true } })).mssDomain,

    mssAddressOf: (accountId: string) => db.mssAddress.findUnique({ where: { accountId } }),
    /** Who owns an MSSanté address (an APP's return address must be a PER, ORG or INT one). */
    mssAddressOwner: (address: string) =>
      db.mssAddress.findUnique({ where: { address }, select: { account: { select: { type: true } } } }),

    /** What the account's page shows beside the account itself. */
    async detailLinks(account: { id: string; structureId: string }) {
      const person = { select: { id: true, email: true, lastName: true, firstName: true, type: true } } as const;
      const [structure, mss, connections, mailboxes, delegates, pendingEmailChange] = await Promise.all([
        db.structure.findUniqueOrThrow({ where: { id: account.structureId }, select: { id: true, name: true } }),
        db.mssAddress.findUnique({ where: { accountId: account.id }, select: { address: true } }),
        db.connectionAccount.findMany({
          where: { mailboxId: account.id },
          include: { account: person },
          orderBy: { createdAt: "asc" },
        }),
        db.connectionAccount.findMany({
          where: { accountId: account.id },
          include: { mailbox: person },
          orderBy: { createdAt: "asc" },
        }),
        db.delegation.findMany({
          where: { accountId: account.id },
          include: { delegate: person },
          orderBy: { createdAt: "asc" },
        }),
        db.emailChangeRequest.findFirst({ where: { accountId: account.id, status: "PENDING" } }),
      ]);
      return { structure, mss, connections, mailboxes, delegates, pendingEmailChange };
    },

    /** The accounts an ORG/APP form names as connection accounts. */
    connectionCandidates: (emails: string[]) =>
      db.account.findMany({
        where: { email: { in: emails } },
        select: { id: true, email: true, type: true, state: true, structureId: true },
      }),
    /** The accounts connected to an ORG/APP mailbox. */
    connectedAccountIds: async (mailboxId: string) =>
      (await db.connectionAccount.findMany({ where: { mailboxId }, select: { accountId: true } })).map(
        (link) => link.accountId,
      ),
    /** Replaces an ORG/APP mailbox's connection accounts, keeping the settings of those that stay. */
    async setConnectionAccounts(mailboxId: string, accountIds: string[]): Promise<void> {
      await db.connectionAccount.deleteMany({ where: { mailboxId, accountId: { notIn: accountIds } } });
      await db.connectionAccount.createMany({
        data: accountIds.map((accountId) => ({ mailboxId, accountId })),
        skipDuplicates: true,
      });
    },
    /** The account as a shared mailbox: its connection accounts go. */
    async dropConnectionsAsMailbox(mailboxId: string): Promise<void> {
      await db.connectionAccount.deleteMany({ where: { mailboxId } });
    },
    /** The account as a connection account: its links to shared mailboxes go. */
    async dropConnectionsAsAccount(accountId: string): Promise<void> {
      await db.connectionAccount.deleteMany({ where: { accountId } });
    },

    /**
     * Claims a pre-registered account's reminder: false when it is no longer pre-registered or was reminded less
     * than `minimumGapMs` ago (a double click's second request waits for the first, then finds it reminded).
     */
    async claimReminder(id: string, now: Date, minimumGapMs: number): Promise<boolean> {
      const claimed = await db.account.updateMany({
        where: {
          id,
          state: "PREREGISTERED",
          OR: [{ lastReminderAt: null }, { lastReminderAt: { lt: new Date(now.getTime() - minimumGapMs) } }],
        },
        data: { lastReminderAt: now },
      });
      return claimed.count > 0;
    },
    reminderState: (id: string) =>
      db.account.findUnique({ where: { id }, select: { state: true, lastReminderAt: true } }),
    insertReminder: (data: { accountId: string; sentById: string | null; sentAt: Date }) =>
      db.reminder.create({ data }),
  };
}
export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
