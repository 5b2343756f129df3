import type { DbTx } from "@medimail/db/client";
import {
  type AccountRights,
  canOnPlatform,
  decide,
  type Need,
  type PlatformAction,
  type PlatformRole,
  type Principal,
  privilegedAccountRefusal,
} from "@medimail/domain/access";
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

    /** What an account may do beyond its mailbox: platform role, support grants, administered structures. */
    async accountRights(accountId: string): Promise<AccountRights> {
      const [row] = await db.$queryRaw<
        { platformRole: PlatformRole | null; administered: string[]; support: boolean }[]
      >`
        SELECT a.platform_role::text AS "platformRole",
               ARRAY(SELECT structure_id::text FROM structure_admin WHERE account_id = a.id) AS administered,
               EXISTS (SELECT 1 FROM support_grant WHERE account_id = a.id) AS support
          FROM account a WHERE a.id = ${accountId}::uuid`;
      if (!row) return { platformRole: null, administeredAncestries: [], hasSupportGrants: false };
      return {
        platformRole: row.platformRole,
        administeredAncestries: await Promise.all(row.administered.map((id) => this.ancestry(id))),
        hasSupportGrants: row.support,
      };
    },

    /**
     * 403 when the account holds rights the caller could take over by changing it (see privilegedAccountRefusal).
     * 403 and not 404: the account itself is in the caller's scope, he sees it.
     */
    async requireAccountChange(principal: Principal, accountId: string): Promise<void> {
      const refusal = privilegedAccountRefusal(principal, await this.accountRights(accountId));
      if (refusal) throw forbidden(PRIVILEGED_ACCOUNT_MESSAGES[refusal]);
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

export const PRIVILEGED_ACCOUNT_MESSAGES = {
  "platform-role":
    "Ce compte est celui d'un opérateur ou du support de la plateforme : seul un opérateur peut le modifier.",
  "administers-beyond-scope":
    "Ce compte administre une structure hors de votre périmètre : seul un opérateur, ou un administrateur de toutes les structures qu'il administre, peut le modifier.",
} as const;
