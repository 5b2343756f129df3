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
  };
}
export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
