import type { DbTx } from "@medimail/db/client";
import { createStructureTreeRepository } from "../../lib/structure-tree.repository.ts";

/** Most orphan daughters named in the administrators' warning. */
const ORPHANS_NAMED = 20;

export interface AdminCandidateRow {
  accountId: string;
  email: string;
  firstName: string;
  lastName: string;
  structureName: string;
  isAdmin: boolean;
}

/** "Paramétrage de la structure": the tree (creation, moves) and the administrators. */
export function createStructureSettingsRepository(db: DbTx) {
  const tree = createStructureTreeRepository(db);
  return {
    /** The name of the structure (other than `exceptId`) that already holds this MSSanté domain, if any. */
    findDomainOwner(mssDomain: string, exceptId: string) {
      return db.structure.findFirst({ where: { mssDomain, id: { not: exceptId } }, select: { name: true } });
    },

    async exists(id: string): Promise<boolean> {
      return (await db.structure.findUnique({ where: { id }, select: { id: true } })) !== null;
    },

    create(data: { name: string; parentId: string | null }): Promise<{ id: string }> {
      return db.structure.create({ data, select: { id: true } });
    },

    /** Serialises moves: two concurrent moves could each be acyclic alone and make a cycle together. */
    async lockTree(): Promise<void> {
      await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('structure-tree'))`;
    },

    /** Every structure's parent: the whole tree, as domain rules read it. */
    parentLinks(): Promise<{ id: string; parentId: string | null }[]> {
      return db.structure.findMany({ select: { id: true, parentId: true } });
    },

    async setParent(id: string, parentId: string | null): Promise<void> {
      await db.structure.update({ where: { id }, data: { parentId } });
    },

    /** The structure's own administrators, by name. */
    admins(structureId: string) {
      return db.structureAdmin.findMany({
        where: { structureId },
        orderBy: [{ account: { lastName: "asc" } }, { account: { firstName: "asc" } }],
        select: {
          createdAt: true,
          account: {
            select: { id: true, email: true, firstName: true, lastName: true, structure: { select: { name: true } } },
          },
        },
      });
    },

    /** The names of the first daughters (at any depth, by name) that have no administrator of their own. */
    async orphanDaughterNames(structureId: string): Promise<string[]> {
      const daughters = (await tree.subtreeIds(structureId)).filter((id) => id !== structureId);
      if (daughters.length === 0) return [];
      const rows = await db.structure.findMany({
        where: { id: { in: daughters }, administrators: { none: {} } },
        orderBy: { name: "asc" },
        take: ORPHANS_NAMED,
        select: { name: true },
      });
      return rows.map((row) => row.name);
    },

    /**
     * A page of validated accounts whose folded name or email matches `pattern` (a LIKE pattern), everywhere or in
     * the given structures, with whether each already administers the structure. One row more than `size` tells
     * that there is a next page.
     */
    adminCandidates(query: {
      structureId: string;
      pattern: string;
      /** null: every structure */
      within: string[] | null;
      offset: number;
      size: number;
    }): Promise<AdminCandidateRow[]> {
      const everywhere = query.within === null;
      const visible = query.within ?? [];
      return db.$queryRaw<AdminCandidateRow[]>`
        SELECT a.id AS "accountId", a.email, a.first_name AS "firstName", a.last_name AS "lastName",
               s.name AS "structureName",
               EXISTS (SELECT 1 FROM structure_admin sa WHERE sa.structure_id = ${query.structureId}::uuid AND sa.account_id = a.id) AS "isAdmin"
          FROM account a JOIN structure s ON s.id = a.structure_id
         WHERE (${everywhere} OR a.structure_id = ANY(${visible}::uuid[]))
           AND a.state = 'VALIDATED' AND a.search_text LIKE ${query.pattern}
         ORDER BY a.last_name, a.first_name, a.id
         LIMIT ${query.size + 1} OFFSET ${query.offset}`;
    },

    findAccount(accountId: string) {
      return db.account.findUnique({
        where: { id: accountId },
        select: { email: true, state: true, structureId: true },
      });
    },

    /** false when the account already administers the structure. */
    async addAdmin(structureId: string, accountId: string): Promise<boolean> {
      const created = await db.structureAdmin.createMany({ data: [{ structureId, accountId }], skipDuplicates: true });
      return created.count > 0;
    },

    /** false when the account did not administer the structure. */
    async removeAdmin(structureId: string, accountId: string): Promise<boolean> {
      const removed = await db.structureAdmin.deleteMany({ where: { structureId, accountId } });
      return removed.count > 0;
    },
  };
}
export type StructureSettingsRepository = ReturnType<typeof createStructureSettingsRepository>;
