import type { DbTx } from "@medimail/db/client";
import { canOnPlatform, decide, type Need, type PlatformAction, type Principal } from "@medimail/domain/access";
import { forbidden, notFound } from "../../lib/errors.ts";

/**
 * The permission layer's database side: the ancestry of a structure (one recursive query), then the pure rule
 * from packages/domain decides. Every route that touches a structure's object goes through `require`.
 */
export function createScope(db: DbTx) {
  return {
    /** The structure itself first, then its parent, up to the root; [] when it does not exist. */
    async ancestry(structureId: string): Promise<string[]> {
      const rows = await db.$queryRaw<{ id: string }[]>`
        WITH RECURSIVE up(id, parent_id, depth) AS (
          SELECT id, parent_id, 0 FROM structure WHERE id = ${structureId}::uuid
          UNION ALL
          SELECT s.id, s.parent_id, up.depth + 1 FROM structure s JOIN up ON s.id = up.parent_id WHERE up.depth < 100
        )
        SELECT id::text FROM up ORDER BY depth`;
      return rows.map((row) => row.id);
    },

    /** Throws 404 when the structure is outside the caller's scope (or absent), 403 for a read-only write. */
    async require(
      principal: Principal,
      need: Need,
      structureId: string,
      what = "Structure introuvable",
    ): Promise<void> {
      const verdict = decide(principal, need, await this.ancestry(structureId));
      if (verdict === "not-found") throw notFound(what);
      if (verdict === "forbidden") throw forbidden("Accès en lecture seule : modification non autorisée");
    },
  };
}
export type Scope = ReturnType<typeof createScope>;

/** 403 unless the caller may do this platform action, with a message saying what is reserved. */
export function requirePlatform(
  principal: Principal,
  action: PlatformAction,
  message = "Action réservée aux opérateurs de la plateforme",
): void {
  if (!canOnPlatform(principal, action)) throw forbidden(message);
}
