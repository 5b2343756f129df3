import type {
  MssActivationPreview,
  MssAddressDetail,
  MssListItem,
  MssListQuery,
  MssOverview,
} from "@medimail/contracts/mssante";
import { type Db, Prisma } from "@medimail/db/client";
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
import { mssQuotaUsage } from "../structures/structures.repository.ts";
import { planAddress, ruleError, TYPE_RULE_TEXT } from "./mss-planning.ts";
import { createQuotaPlanner, QUOTA_LABELS, requireQuota } from "./mss-quota.ts";

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
  const mssDomainOf = async (structureId: string) =>
    (await db.structure.findUniqueOrThrow({ where: { id: structureId }, select: { mssDomain: true } })).mssDomain;

  return {
    async overview(principal: Principal, structureId: string): Promise<MssOverview> {
      await scope.require(principal, "read", structureId);
      const structure = await db.structure.findUniqueOrThrow({ where: { id: structureId } });
      const usage = await mssQuotaUsage(db, structureId);
      const [counts] = await db.$queryRaw<{ per: number; org: number; app: number; none: number }[]>`
        SELECT count(*) FILTER (WHERE m.id IS NOT NULL AND a.type IN ('PER', 'INT'))::int AS per,
               count(*) FILTER (WHERE m.id IS NOT NULL AND a.type = 'ORG')::int AS org,
               count(*) FILTER (WHERE m.id IS NOT NULL AND a.type = 'APP')::int AS app,
               count(*) FILTER (WHERE m.id IS NULL AND a.state <> 'REJECTED')::int AS none
          FROM account a LEFT JOIN mss_address m ON m.account_id = a.id
         WHERE a.structure_id = ${structureId}::uuid`;
      return {
        domain: structure.mssDomain,
        quotas: (["PER", "ORG", "APP"] as const).map((bucket) => ({
          bucket,
          label: QUOTA_LABELS[bucket],
          used: usage[bucket],
          quota: { PER: structure.quotaPer, ORG: structure.quotaOrg, APP: structure.quotaApp }[bucket],
        })),
        counts: { PER: counts?.per ?? 0, ORG: counts?.org ?? 0, APP: counts?.app ?? 0, NONE: counts?.none ?? 0 },
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
      const conditions: Prisma.Sql[] = [Prisma.sql`a.structure_id = ANY(${structureIds}::uuid[])`];
      if (query.tab === "NONE") conditions.push(Prisma.sql`m.id IS NULL AND a.state <> 'REJECTED'`);
      else {
        const types = query.tab === "PER" ? ["PER", "INT"] : [query.tab];
        conditions.push(Prisma.sql`m.id IS NOT NULL AND a.type::text = ANY(${types}::text[])`);
      }
      for (const word of foldForSearch(query.q ?? "")
        .split(/\s+/)
        .filter(Boolean)) {
        const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(Prisma.sql`(a.search_text LIKE ${like} OR m.address LIKE ${like})`);
      }
      const after = mssListCursor.decode(query.after);
      if (after) {
        const [sortName, id] = after;
        conditions.push(Prisma.sql`(a.sort_name, a.id) > (${sortName}, ${id}::uuid)`);
      }
      const rows = await db.$queryRaw<
        {
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
        }[]
      >`
        SELECT a.id, a.structure_id, s.name AS structure_name, a.email, a.last_name, a.first_name, a.type, a.state,
               m.address, m.listed, m.publication_status, m.published_at, a.sort_name
          FROM account a
          JOIN structure s ON s.id = a.structure_id
          LEFT JOIN mss_address m ON m.account_id = a.id
         WHERE ${Prisma.join(conditions, " AND ")}
         ORDER BY a.sort_name, a.id
         LIMIT ${query.limit + 1}`;
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
      const domain = await mssDomainOf(account.structureId);
      const mss = await db.mssAddress.findUnique({ where: { accountId } });
      const plan = mss ? null : await planAddress(db, account, domain);
      return {
        accountId,
        type: account.type,
        domain,
        address: mss?.address ?? null,
        listed: mss?.listed ?? true,
        publicationStatus: mss?.publicationStatus ?? null,
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
      const domain = await mssDomainOf(account.structureId);
      const address = `${input.prefix.replace(/@.*$/, "")}@${domain ?? ""}`;
      await db.$transaction(async (tx) => {
        const error = await ruleError(tx, account, address, domain);
        if (error) throw validationFailed(error, [{ path: "body.prefix", message: error }]);
        const holder = await tx.mssAddress.findUnique({ where: { address }, select: { accountId: true } });
        if (holder && holder.accountId !== accountId) {
          const message = "Cette adresse MSSanté est déjà celle d'un autre compte";
          throw validationFailed(message, [{ path: "body.prefix", message }]);
        }
        const existing = await tx.mssAddress.findUnique({ where: { accountId } });
        if (!existing) await requireQuota(tx, account.structureId, account.type, "Création impossible");
        if (existing && existing.address === address && existing.listed === input.listed) return;
        await tx.mssAddress.upsert({
          where: { accountId },
          create: { accountId, address, listed: input.listed },
          update: { address, listed: input.listed },
        });
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
        const existing = await tx.mssAddress.findUnique({ where: { accountId } });
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
      const candidates = await db.account.findMany({
        where: { structureId: { in: structureIds }, state: "VALIDATED", mssAddress: null, type: { not: "MED" } },
        orderBy: [{ sortName: "asc" }, { id: "asc" }],
        take: PREVIEW_LIMIT + 1,
        include: { structure: { select: { mssDomain: true } } },
      });
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
      const running = await db.mssActivation.findFirst({
        where: { structureId, status: { in: ["PENDING", "RUNNING"] } },
      });
      if (running)
        throw conflict("Une activation est déjà en cours pour cette structure : attendez qu'elle se termine.");
      const activation = await db.$transaction(async (tx) => {
        const created = await tx.mssActivation.create({ data: { structureId, daughters, requestedById: actor.id } });
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
      const activation = await db.mssActivation.findFirst({ where: { id: activationId, structureId } });
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
