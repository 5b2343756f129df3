import type { DbTx } from "@medimail/db/client";
import {
  type AccountRights,
  canOnPlatform,
  decide,
  type Need,
  type PlatformAction,
  type Principal,
  privilegedAccountRefusal,
} from "@medimail/domain/access";
import { forbidden, notFound } from "./errors.ts";
import { createStructureTreeRepository } from "./structure-tree.repository.ts";

/**
 * The permission layer's database side: the ancestry of a structure (one recursive query), then the pure rule
 * from packages/domain decides. Every route that touches a structure's object goes through `require`.
 */
export function createScope(db: DbTx) {
  const tree = createStructureTreeRepository(db);
  return {
    /** The structure itself first, then its parent, up to the root; [] when it does not exist. */
    ancestry: (structureId: string): Promise<string[]> => tree.ancestry(structureId),

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
      const row = await tree.accountPowers(accountId);
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
