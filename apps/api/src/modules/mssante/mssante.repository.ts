import type { MssListItem, MssTab } from "@medimail/contracts/mssante";
import { type DbTx, Prisma } from "@medimail/db/client";
import { mssQuotaUsage } from "../structures/structures.repository.ts";

/** An activation's failures, kept by account (a rerun does not list one twice). */
export type ActivationFailure = { accountId: string; email: string; reason: string };

export interface MssListRow {
  id: string;
  structure_id: string;
  structure_name: string;
  email: string;
  last_name: string;
  first_name: string;
  type: MssListItem["type"];
  state: MssListItem["state"];
  address: string | null;
  listed: boolean | null;
  publication_status: MssListItem["publicationStatus"];
  published_at: Date | null;
  sort_name: string;
}

/** `%`, `_` and `\` are LIKE's own characters: matched literally. */
const likeContains = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** What an activation reads of each account it gives an address to. */
const ACTIVATION_ACCOUNT = { structure: { select: { mssDomain: true } } } as const;

/** "Gestion des utilisateurs MSSanté": addresses, quotas, the lists by tab, activations. */
export function createMssanteRepository(db: DbTx) {
  return {
    async mssDomainOf(structureId: string): Promise<string | null> {
      return (await db.structure.findUniqueOrThrow({ where: { id: structureId }, select: { mssDomain: true } }))
        .mssDomain;
    },

    /** The structure's domain, name and quotas (-1: no limit). */
    structureQuotas(structureId: string) {
      return db.structure.findUniqueOrThrow({
        where: { id: structureId },
        select: { name: true, mssDomain: true, quotaPer: true, quotaOrg: true, quotaApp: true },
      });
    },

    /** Addresses in use per quota bucket. */
    quotaUsage: (structureId: string) => mssQuotaUsage(db, structureId),

    /**
     * Locks the structure's row until the transaction ends: two admins racing for the last place of a quota are
     * served one after the other.
     */
    async lockStructure(structureId: string): Promise<void> {
      await db.$queryRaw`SELECT 1 FROM structure WHERE id = ${structureId}::uuid FOR UPDATE`;
    },

    /** The structure's accounts per tab: with an address by type (PER with INT), and without one (not rejected). */
    async tabCounts(structureId: string): Promise<{ PER: number; ORG: number; APP: number; NONE: number }> {
      const [counts] = await db.$queryRaw<{ per: number; org: number; app: number; none: number }[]>`
        SELECT count(*) FILTER (WHERE m.id IS NOT NULL AND a.type IN ('PER', 'INT'))::int AS per,
               count(*) FILTER (WHERE m.id IS NOT NULL AND a.type = 'ORG')::int AS org,
               count(*) FILTER (WHERE m.id IS NOT NULL AND a.type = 'APP')::int AS app,
               count(*) FILTER (WHERE m.id IS NULL AND a.state <> 'REJECTED')::int AS none
          FROM account a LEFT JOIN mss_address m ON m.account_id = a.id
         WHERE a.structure_id = ${structureId}::uuid`;
      return { PER: counts?.per ?? 0, ORG: counts?.org ?? 0, APP: counts?.app ?? 0, NONE: counts?.none ?? 0 };
    },

    /**
     * One page of a tab, sorted by name, after the keyset (sort name, id) of the previous page; `limit + 1` rows
     * tell whether there is a next page. Every word (folded) must be in the name, the email or the address.
     */
    listPage(query: {
      structureIds: string[];
      tab: MssTab;
      words: string[];
      after: [sortName: string, id: string] | undefined;
      limit: number;
    }): Promise<MssListRow[]> {
      const conditions: Prisma.Sql[] = [Prisma.sql`a.structure_id = ANY(${query.structureIds}::uuid[])`];
      if (query.tab === "NONE") conditions.push(Prisma.sql`m.id IS NULL AND a.state <> 'REJECTED'`);
      else {
        const types = query.tab === "PER" ? ["PER", "INT"] : [query.tab];
        conditions.push(Prisma.sql`m.id IS NOT NULL AND a.type::text = ANY(${types}::text[])`);
      }
      for (const word of query.words) {
        const like = likeContains(word);
        conditions.push(Prisma.sql`(a.search_text LIKE ${like} OR m.address LIKE ${like})`);
      }
      if (query.after) {
        const [sortName, id] = query.after;
        conditions.push(Prisma.sql`(a.sort_name, a.id) > (${sortName}, ${id}::uuid)`);
      }
      return db.$queryRaw<MssListRow[]>`
        SELECT a.id, a.structure_id, s.name AS structure_name, a.email, a.last_name, a.first_name, a.type, a.state,
               m.address, m.listed, m.publication_status, m.published_at, a.sort_name
          FROM account a
          JOIN structure s ON s.id = a.structure_id
          LEFT JOIN mss_address m ON m.account_id = a.id
         WHERE ${Prisma.join(conditions, " AND ")}
         ORDER BY a.sort_name, a.id
         LIMIT ${query.limit + 1}`;
    },

    findAddress(accountId: string) {
      return db.mssAddress.findUnique({ where: { accountId } });
    },

    /** Whose address this is, if anyone's. */
    async holderOf(address: string): Promise<string | null> {
      return (await db.mssAddress.findUnique({ where: { address }, select: { accountId: true } }))?.accountId ?? null;
    },

    async saveAddress(accountId: string, address: string, listed: boolean): Promise<void> {
      await db.mssAddress.upsert({
        where: { accountId },
        create: { accountId, address, listed },
        update: { address, listed },
      });
    },

    /** false when the account or the address got one meanwhile (nothing written). */
    async createAddressIfFree(accountId: string, address: string, listed: boolean): Promise<boolean> {
      const inserted = await db.mssAddress.createMany({ data: [{ accountId, address, listed }], skipDuplicates: true });
      return inserted.count > 0;
    },

    /** Which of these addresses are already someone's. */
    async takenAmong(addresses: string[]): Promise<Set<string>> {
      const rows = await db.mssAddress.findMany({ where: { address: { in: addresses } }, select: { address: true } });
      return new Set(rows.map((row) => row.address));
    },

    /** The users of an ORG mailbox (their names), through the connection accounts. */
    async mailboxUsers(mailboxId: string): Promise<{ lastName: string; firstName: string }[]> {
      const connections = await db.connectionAccount.findMany({
        where: { mailboxId },
        select: { account: { select: { lastName: true, firstName: true } } },
      });
      return connections.map((connection) => connection.account);
    },

    /** Accounts an activation of these structures would give an address to, by name (the preview's order). */
    activationCandidatesByName(structureIds: string[], take: number) {
      return db.account.findMany({
        where: { structureId: { in: structureIds }, state: "VALIDATED", mssAddress: null, type: { not: "MED" } },
        orderBy: [{ sortName: "asc" }, { id: "asc" }],
        take,
        include: ACTIVATION_ACCOUNT,
      });
    },

    /** The same accounts by id, after `after` (the job's batches). */
    activationCandidatesById(structureIds: string[], after: string | undefined, take: number) {
      return db.account.findMany({
        where: {
          structureId: { in: structureIds },
          state: "VALIDATED",
          type: { not: "MED" },
          mssAddress: null,
          ...(after ? { id: { gt: after } } : {}),
        },
        orderBy: { id: "asc" },
        take,
        include: ACTIVATION_ACCOUNT,
      });
    },

    /** The structure's activation waiting or running, if any. */
    activationInProgress(structureId: string) {
      return db.mssActivation.findFirst({ where: { structureId, status: { in: ["PENDING", "RUNNING"] } } });
    },

    /** The oldest activation waiting or running, of any structure. */
    nextActivation() {
      return db.mssActivation.findFirst({
        where: { status: { in: ["PENDING", "RUNNING"] } },
        orderBy: { requestedAt: "asc" },
      });
    },

    createActivation(data: { structureId: string; daughters: boolean; requestedById: string | null }) {
      return db.mssActivation.create({ data });
    },

    findActivation(structureId: string, activationId: string) {
      return db.mssActivation.findFirst({ where: { id: activationId, structureId } });
    },

    async markActivationRunning(activationId: string): Promise<void> {
      await db.mssActivation.update({ where: { id: activationId }, data: { status: "RUNNING" } });
    },

    async countActivationCreated(activationId: string): Promise<void> {
      await db.mssActivation.update({ where: { id: activationId }, data: { created: { increment: 1 } } });
    },

    async saveActivationFailures(activationId: string, kept: ActivationFailure[], failed: number): Promise<void> {
      await db.mssActivation.update({
        where: { id: activationId },
        data: { failures: kept as unknown as Prisma.InputJsonValue, failed },
      });
    },

    /** Marks the activation done; its final counters. */
    finishActivation(activationId: string, finishedAt: Date): Promise<{ created: number; failed: number }> {
      return db.mssActivation.update({
        where: { id: activationId },
        data: { status: "DONE", finishedAt },
        select: { created: true, failed: true },
      });
    },
  };
}
export type MssanteRepository = ReturnType<typeof createMssanteRepository>;
