import type {
  MssActivationPreview,
  MssAddressDetail,
  MssListItem,
  MssListQuery,
  MssOverview,
} from "@medimail/contracts/mssante";
import type { Db } from "@medimail/db/client";
import { decide, type Principal } from "@medimail/domain/access";
import { foldForSearch } from "@medimail/domain/text";
import { z } from "zod";
import { cursorParts, keysetCursor } from "../../lib/cursor.ts";
import { conflict, notFound, validationFailed } from "../../lib/errors.ts";
import type { Scope } from "../../lib/scope.ts";
import type { AccountsRepository } from "../accounts/accounts.repository.ts";
import type { AccountsService } from "../accounts/accounts.service.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import { deleteCorrespondence, markChanged } from "../directory/directory-changes.repository.ts";
import { planAddress, ruleError, TYPE_RULE_TEXT } from "./mss-planning.ts";
import { createQuotaPlanner, QUOTA_LABELS, requireQuota } from "./mss-quota.ts";
import { createMssanteRepository } from "./mssante.repository.ts";

type ListQuery = z.output<typeof MssListQuery>;

const PREVIEW_LIMIT = 500;
/** (sort name, id) of the previous page's last account */
const mssListCursor = keysetCursor(z.tuple([cursorParts.text, cursorParts.id]));

/** "Gestion des utilisateurs MSSanté": counters, lists by address type, each account's correspondence. */
export function createMssanteService({
  db,
  scope,
  repository,
  accounts,
  startActivation,
}: {
  db: Db;
  scope: Scope;
  repository: AccountsRepository;
  accounts: AccountsService;
  /** hands a recorded activation to the background job (after the commit) */
  startActivation: () => void;
}) {
  const mss = createMssanteRepository(db);

  return {
    async overview(principal: Principal, structureId: string): Promise<MssOverview> {
      await scope.require(principal, "read", structureId);
      const structure = await mss.structureQuotas(structureId);
      const usage = await mss.quotaUsage(structureId);
      const counts = await mss.tabCounts(structureId);
      return {
        domain: structure.mssDomain,
        quotas: (["PER", "ORG", "APP"] as const).map((bucket) => ({
          bucket,
          label: QUOTA_LABELS[bucket],
          used: usage[bucket],
          quota: { PER: structure.quotaPer, ORG: structure.quotaOrg, APP: structure.quotaApp }[bucket],
        })),
        counts,
        permissions: { administer: decide(principal, "administer", await scope.ancestry(structureId)) === "allow" },
      };
    },

    /** One tab, sorted by name, keyset-paged. */
    async list(
      principal: Principal,
      structureId: string,
      query: ListQuery,
    ): Promise<{ items: MssListItem[]; nextCursor: string | null }> {
      await scope.require(principal, "read", structureId);
      const structureIds = await repository.structureIds(structureId, query.daughters ?? false);
      const rows = await mss.listPage({
        structureIds,
        tab: query.tab,
        words: foldForSearch(query.q ?? "")
          .split(/\s+/)
          .filter(Boolean),
        after: mssListCursor.decode(query.after),
        limit: query.limit,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => ({
          accountId: row.id,
          structureId: row.structure_id,
          structureName: row.structure_name,
          email: row.email,
          lastName: row.last_name,
          firstName: row.first_name,
          type: row.type,
          state: row.state,
          address: row.address,
          listed: row.listed,
          publicationStatus: row.publication_status,
          publishedAt: row.published_at?.toISOString() ?? null,
        })),
        nextCursor: rows.length > query.limit && last ? mssListCursor.encode([last.sort_name, last.id]) : null,
      };
    },

    async getAddress(principal: Principal, accountId: string): Promise<MssAddressDetail> {
      const account = await accounts.requireAccount(principal, accountId, "read");
      const domain = await mss.mssDomainOf(account.structureId);
      const current = await mss.findAddress(accountId);
      const plan = current ? null : await planAddress(db, account, domain);
      return {
        accountId,
        type: account.type,
        domain,
        address: current?.address ?? null,
        listed: current?.listed ?? true,
        publicationStatus: current?.publicationStatus ?? null,
        proposal: plan && "address" in plan ? plan.address : null,
        rule: TYPE_RULE_TEXT[account.type],
      };
    },

    /** Creates or modifies the correspondence: the type's rule, uniqueness, the quota when it is a new one. */
    async putAddress(
      principal: Principal,
      accountId: string,
      input: { prefix: string; listed: boolean },
      actor: AuditActor,
    ) {
      const account = await accounts.requireAccount(principal, accountId, "administer");
      if (account.state === "REJECTED") throw conflict("Ce compte est rejeté : réhabilitez-le d'abord.");
      const domain = await mss.mssDomainOf(account.structureId);
      const address = `${input.prefix.replace(/@.*$/, "")}@${domain ?? ""}`;
      await db.$transaction(async (tx) => {
        const addresses = createMssanteRepository(tx);
        const error = await ruleError(tx, account, address, domain);
        if (error) throw validationFailed(error, [{ path: "body.prefix", message: error }]);
        const holder = await addresses.holderOf(address);
        if (holder && holder !== accountId) {
          const message = "Cette adresse MSSanté est déjà celle d'un autre compte";
          throw validationFailed(message, [{ path: "body.prefix", message }]);
        }
        const existing = await addresses.findAddress(accountId);
        if (!existing) await requireQuota(tx, account.structureId, account.type, "Création impossible");
        if (existing && existing.address === address && existing.listed === input.listed) return;
        await addresses.saveAddress(accountId, address, input.listed);
        await markChanged(tx, accountId);
        await recordAudit(tx, actor, {
          action: existing ? "mss.address-updated" : "mss.address-created",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
          before: existing ? { address: existing.address, listed: existing.listed } : null,
          after: { address, listed: input.listed },
        });
      });
    },

    async deleteAddress(principal: Principal, accountId: string, actor: AuditActor) {
      const account = await accounts.requireAccount(principal, accountId, "administer");
      await db.$transaction(async (tx) => {
        const existing = await createMssanteRepository(tx).findAddress(accountId);
        if (!existing) throw notFound("Ce compte n'a pas de correspondance MSSanté");
        await deleteCorrespondence(tx, accountId);
        await recordAudit(tx, actor, {
          action: "mss.address-deleted",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
          before: { address: existing.address, listed: existing.listed },
        });
      });
    },

    /** What "Activer tous les utilisateurs compatibles" would do, before confirming. */
    async previewActivation(
      principal: Principal,
      structureId: string,
      daughters: boolean,
    ): Promise<MssActivationPreview> {
      await scope.require(principal, "administer", structureId);
      const structureIds = await repository.structureIds(structureId, daughters);
      const candidates = await mss.activationCandidatesByName(structureIds, PREVIEW_LIMIT + 1);
      const reserved = new Set<string>();
      const preview: MssActivationPreview = {
        proposals: [],
        refusals: [],
        truncated: candidates.length > PREVIEW_LIMIT,
      };
      // the job refuses past the quota: so does the preview, with the job's words
      const quota = createQuotaPlanner(db);
      for (const account of candidates.slice(0, PREVIEW_LIMIT)) {
        const plan = await planAddress(db, account, account.structure.mssDomain, reserved);
        const summary = {
          accountId: account.id,
          email: account.email,
          name: `${account.firstName} ${account.lastName}`,
          type: account.type,
        };
        const overQuota = "address" in plan ? await quota(account.structureId, account.type) : null;
        if (overQuota) preview.refusals.push({ ...summary, reason: overQuota });
        else if ("address" in plan) {
          reserved.add(plan.address);
          preview.proposals.push({ ...summary, address: plan.address });
        } else preview.refusals.push({ ...summary, reason: plan.reason });
      }
      return preview;
    },

    /** Records the request; the background job creates the addresses (one at a time, each checked again). */
    async requestActivation(principal: Principal, structureId: string, daughters: boolean, actor: AuditActor) {
      await scope.require(principal, "administer", structureId);
      const running = await mss.activationInProgress(structureId);
      if (running)
        throw conflict("Une activation est déjà en cours pour cette structure : attendez qu'elle se termine.");
      const activation = await db.$transaction(async (tx) => {
        const created = await createMssanteRepository(tx).createActivation({
          structureId,
          daughters,
          requestedById: actor.id,
        });
        await recordAudit(tx, actor, {
          action: "mss.activation-requested",
          entityType: "structure",
          entityId: structureId,
          structureId,
          after: { daughters },
        });
        return created;
      });
      startActivation();
      return { id: activation.id };
    },

    async getActivation(principal: Principal, structureId: string, activationId: string) {
      await scope.require(principal, "read", structureId);
      const activation = await mss.findActivation(structureId, activationId);
      if (!activation) throw notFound("Activation introuvable");
      return {
        id: activation.id,
        status: activation.status,
        created: activation.created,
        failed: activation.failed,
        failures: activation.failures as { accountId: string; email: string; reason: string }[],
        requestedAt: activation.requestedAt.toISOString(),
        finishedAt: activation.finishedAt?.toISOString() ?? null,
      };
    },
  };
}
export type MssanteService = ReturnType<typeof createMssanteService>;
