import type { DbTx } from "@medimail/db/client";
import type { PlatformRole } from "@medimail/domain/access";

/** Structures nest at most this deep: a guard against a cycle a bad import could leave. */
const MAX_DEPTH = 100;

/**
 * The structure tree's queries, shared by every module: who is above a structure (the permission scope), who is
 * below it (a structure "and its daughters"), and what an account administers.
 */
export function createStructureTreeRepository(db: DbTx) {
  return {
    /** The structure itself first, then its parent, up to the root; [] when it does not exist. */
    async ancestry(structureId: string): Promise<string[]> {
      const rows = await db.$queryRaw<{ id: string }[]>`
        WITH RECURSIVE up(id, parent_id, depth) AS (
          SELECT id, parent_id, 0 FROM structure WHERE id = ${structureId}::uuid
          UNION ALL
          SELECT s.id, s.parent_id, up.depth + 1 FROM structure s JOIN up ON s.id = up.parent_id
           WHERE up.depth < ${MAX_DEPTH}
        )
        SELECT id::text FROM up ORDER BY depth`;
      return rows.map((row) => row.id);
    },

    /**
     * The structure and, when asked, every descendant at any depth, in tree order (each structure before its
     * daughters, sisters by name). Without daughters, the id as given (not looked up).
     */
    async subtreeIds(structureId: string, withDaughters = true): Promise<string[]> {
      if (!withDaughters) return [structureId];
      const rows = await db.$queryRaw<{ id: string }[]>`
        WITH RECURSIVE down(id, depth, path) AS (
          SELECT id, 0, ARRAY[name::text] FROM structure WHERE id = ${structureId}::uuid
          UNION ALL
          SELECT s.id, down.depth + 1, down.path || s.name::text
            FROM structure s JOIN down ON s.parent_id = down.id
           WHERE down.depth < ${MAX_DEPTH}
        )
        SELECT id::text FROM down ORDER BY path`;
      return rows.map((row) => row.id);
    },

    /** An account's platform role, the structures it administers, and whether it holds support grants. */
    async accountPowers(
      accountId: string,
    ): Promise<{ platformRole: PlatformRole | null; administered: string[]; support: boolean } | undefined> {
      const [row] = await db.$queryRaw<
        { platformRole: PlatformRole | null; administered: string[]; support: boolean }[]
      >`
        SELECT a.platform_role::text AS "platformRole",
               ARRAY(SELECT structure_id::text FROM structure_admin WHERE account_id = a.id) AS administered,
               EXISTS (SELECT 1 FROM support_grant WHERE account_id = a.id) AS support
          FROM account a WHERE a.id = ${accountId}::uuid`;
      return row;
    },
  };
}
export type StructureTreeRepository = ReturnType<typeof createStructureTreeRepository>;
