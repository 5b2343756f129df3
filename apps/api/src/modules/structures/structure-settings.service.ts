import type { AuditAction } from "@medimail/contracts/audit";
import type {
  AdminCandidatesResponse,
  StructureAdminsResponse,
  StructureIdentityInput,
  StructureMssanteInput,
  StructureSettings,
} from "@medimail/contracts/structure-settings";
import type { Db, DbTx, Structure } from "@medimail/db/client";
import { canOnPlatform, type Principal, structureAccess, visibleStructureIds } from "@medimail/domain/access";
import { indexParents, wouldCreateCycle } from "@medimail/domain/structure-tree";
import { foldForSearch } from "@medimail/domain/text";
import type { z } from "zod";
import { AppError, conflict, forbidden, notFound, validationFailed } from "../../lib/errors.ts";
import { requirePlatform, type Scope } from "../../lib/scope.ts";
import { type AuditActor, type AuditEntry, recordAudit } from "../audit/audit.repository.ts";
import type { CommuneDirectory } from "../geo/communes.ts";
import { createStructureSettingsRepository } from "./structure-settings.repository.ts";
import { createStructuresRepository, type StructureField } from "./structures.repository.ts";

type IdentityOutput = z.output<typeof StructureIdentityInput>;
type MssanteOutput = z.output<typeof StructureMssanteInput>;

const CANDIDATES_PAGE_SIZE = 20;
const QUOTA_LABELS = { PER: "PER", ORG: "ORG", APP: "APP" } as const;

/** The caller must see the structure and be an operator of the platform (else a 403 saying why). */
export async function requireOperator(scope: Scope, principal: Principal, id: string, refusal: string): Promise<void> {
  await scope.require(principal, "read", id);
  requirePlatform(principal, "structures.platform-settings", refusal);
}

/** Audits a change of the structure, in the caller's transaction: its administrators read it. */
export function auditStructure(
  tx: DbTx,
  actor: AuditActor,
  id: string,
  entry: Omit<AuditEntry, "entityType" | "entityId" | "structureId">,
): Promise<void> {
  return recordAudit(tx, actor, { ...entry, entityType: "structure", entityId: id, structureId: id });
}

/**
 * Saves one block of "Paramétrage" in a transaction: reads its current values (checked by `check` when given),
 * writes the new ones and audits both. Every block's save is this, with its own columns and audit action.
 */
export async function saveStructureBlock<Field extends StructureField>(
  db: Db,
  actor: AuditActor,
  block: {
    id: string;
    fields: readonly Field[];
    data: Partial<Pick<Structure, StructureField>>;
    action: AuditAction;
    check?: (before: Pick<Structure, Field>) => void;
  },
): Promise<void> {
  const { id, fields, data, action, check } = block;
  await db.$transaction(async (tx) => {
    const structures = createStructuresRepository(tx);
    const before = await structures.findBlock(id, fields);
    check?.(before);
    await structures.updateBlock(id, data);
    await auditStructure(tx, actor, id, { action, before, after: data });
  });
}

/** "Paramétrage de la structure": its settings, block by block, and its administrators. */
export function createStructureSettingsService({
  db,
  scope,
  communes,
}: {
  db: Db;
  scope: Scope;
  communes: CommuneDirectory;
}) {
  const structures = createStructuresRepository(db);
  const repository = createStructureSettingsRepository(db);
  return {
    async get(principal: Principal, id: string): Promise<StructureSettings> {
      const ancestry = await scope.ancestry(id);
      const access = structureAccess(principal, ancestry);
      if (access === "none") throw notFound("Structure introuvable");
      const structure = await structures.findById(id);
      const commune = structure.cityInseeCode ? await communes.get(structure.cityInseeCode) : null;
      return {
        id,
        identity: {
          name: structure.name,
          kind: structure.kind,
          identifierType: structure.identifierType,
          identifier: structure.identifier,
          phone: structure.phone,
        },
        mssante: {
          mssDomain: structure.mssDomain,
          quotaPer: structure.quotaPer,
          quotaOrg: structure.quotaOrg,
          quotaApp: structure.quotaApp,
          mssAdminOnly: structure.mssAdminOnly,
          usage: await structures.mssQuotaUsage(id),
        },
        location: {
          addressLine: structure.addressLine,
          postcode: structure.postcode,
          city: structure.city,
          cityInseeCode: structure.cityInseeCode,
          departmentCode: structure.departmentCode,
          departmentName: commune?.departmentName ?? null,
          regionCode: structure.regionCode,
          regionName: commune?.regionName ?? null,
        },
        notifications: {
          notifyOnReception: structure.notifyOnReception,
          notifyDailyDigest: structure.notifyDailyDigest,
          notifyConnectionAccount: structure.notifyConnectionAccount,
          notifyOnOpening: structure.notifyOnOpening,
          adminNotificationEmails: structure.adminNotificationEmails,
        },
        office365Quota: structure.office365Quota,
        permissions: {
          administer: access === "administer",
          platformSettings: canOnPlatform(principal, "structures.platform-settings"),
        },
      };
    },

    async updateIdentity(principal: Principal, id: string, input: IdentityOutput, actor: AuditActor) {
      await scope.require(principal, "administer", id);
      await saveStructureBlock(db, actor, {
        id,
        fields: ["name", "kind", "identifierType", "identifier", "phone"],
        data: input,
        action: "structure.identity-updated",
      });
    },

    /** Operator only. Lowering a quota below the addresses already in use is refused, with the numbers. */
    async updateMssante(principal: Principal, id: string, input: MssanteOutput, actor: AuditActor) {
      await requireOperator(
        scope,
        principal,
        id,
        "Seul un opérateur de la plateforme peut modifier le domaine et les quotas MSSanté",
      );
      const usage = await structures.mssQuotaUsage(id);
      const details = (["PER", "ORG", "APP"] as const).flatMap((type) => {
        const quota = input[`quota${type[0]}${type.slice(1).toLowerCase()}` as "quotaPer" | "quotaOrg" | "quotaApp"];
        return quota !== -1 && quota < usage[type]
          ? [
              {
                path: `body.quota${type[0]}${type.slice(1).toLowerCase()}`,
                message: `${usage[type]} adresses ${QUOTA_LABELS[type]} sont utilisées : le quota ne peut pas être inférieur à ${usage[type]}`,
              },
            ]
          : [];
      });
      if (details.length > 0) throw validationFailed("Quota inférieur aux adresses déjà utilisées", details);
      if (input.mssDomain) {
        const owner = await repository.findDomainOwner(input.mssDomain, id);
        if (owner) {
          throw new AppError(409, "CONFLICT", "Ce domaine est déjà attribué", [
            { path: "body.mssDomain", message: `Ce domaine est déjà attribué à « ${owner.name} »` },
          ]);
        }
      }
      await saveStructureBlock(db, actor, {
        id,
        fields: ["mssDomain", "quotaPer", "quotaOrg", "quotaApp", "mssAdminOnly"],
        data: input,
        action: "structure.mssante-updated",
      });
    },

    /** Operators: a new structure, under an existing parent (or a new root). */
    async create(principal: Principal, input: { name: string; parentId: string | null }, actor: AuditActor) {
      requirePlatform(
        principal,
        "structures.platform-settings",
        "Seul un opérateur de la plateforme peut créer une structure",
      );
      if (input.parentId && !(await repository.exists(input.parentId))) {
        throw validationFailed("Structure mère introuvable", [
          { path: "body.parentId", message: "Cette structure mère n'existe pas" },
        ]);
      }
      return db.$transaction(async (tx) => {
        const created = await createStructureSettingsRepository(tx).create(input);
        await auditStructure(tx, actor, created.id, {
          action: "structure.created",
          after: input,
        });
        return created;
      });
    },

    /** Operators: a new mother for a structure; refused when it would put the structure under itself. */
    async move(principal: Principal, id: string, parentId: string | null, actor: AuditActor) {
      await requireOperator(scope, principal, id, "Seul un opérateur de la plateforme peut changer la structure mère");
      await db.$transaction(async (tx) => {
        const tree = createStructureSettingsRepository(tx);
        // serialise moves: two concurrent moves could each be acyclic alone and make a cycle together
        await tree.lockTree();
        const parents = indexParents(await tree.parentLinks());
        if (parentId !== null && !parents.has(parentId)) {
          throw validationFailed("Structure mère introuvable", [
            { path: "body.parentId", message: "Cette structure mère n'existe pas" },
          ]);
        }
        if (wouldCreateCycle(id, parentId, parents)) {
          throw validationFailed("Rattachement impossible", [
            {
              path: "body.parentId",
              message: "Une structure ne peut pas être rattachée à elle-même ni à l'une de ses filles",
            },
          ]);
        }
        const before = parents.get(id) ?? null;
        if (before === parentId) return;
        await tree.setParent(id, parentId);
        await auditStructure(tx, actor, id, {
          action: "structure.moved",
          before: { parentId: before },
          after: { parentId },
        });
      });
    },

    async admins(principal: Principal, id: string): Promise<StructureAdminsResponse> {
      await scope.require(principal, "read", id);
      const rows = await repository.admins(id);
      const warnings =
        rows.length === 0
          ? ["Cette structure n'a aucun administrateur : seuls ceux des structures mères peuvent l'administrer."]
          : rows.length === 1
            ? ["Un seul administrateur : ajoutez-en un second pour assurer la continuité pendant ses absences."]
            : [];
      const orphans = await repository.orphanDaughterNames(id);
      if (orphans.length > 0) {
        warnings.push(`Structures filles sans administrateur propre : ${orphans.join(", ")}.`);
      }
      return {
        items: rows.map(({ account, createdAt }) => ({
          accountId: account.id,
          email: account.email,
          firstName: account.firstName,
          lastName: account.lastName,
          structureName: account.structure.name,
          since: createdAt.toISOString(),
        })),
        warnings,
      };
    },

    /**
     * Validated accounts matching a name or an email (accents and case aside) that the caller may see: every
     * account for an operator, the accounts of the caller's structures for an administrator.
     */
    async adminCandidates(principal: Principal, id: string, q: string, page: number): Promise<AdminCandidatesResponse> {
      // a read: support may look (it reads the accounts anyway); adding stays an administrator's write
      await scope.require(principal, "read", id);
      const pattern = `%${foldForSearch(q).replace(/[\\%_]/g, "\\$&")}%`;
      const within =
        principal.platformRole === "OPERATOR"
          ? null
          : [...visibleStructureIds(principal, indexParents(await repository.parentLinks()))];
      const rows = await repository.adminCandidates({
        structureId: id,
        pattern,
        within,
        offset: (page - 1) * CANDIDATES_PAGE_SIZE,
        size: CANDIDATES_PAGE_SIZE,
      });
      return { items: rows.slice(0, CANDIDATES_PAGE_SIZE), page, hasMore: rows.length > CANDIDATES_PAGE_SIZE };
    },

    async addAdmin(principal: Principal, id: string, accountId: string, actor: AuditActor) {
      await scope.require(principal, "administer", id);
      const account = await repository.findAccount(accountId);
      // any existing account the caller may see (an administrator does not learn of accounts outside his scope)
      const accountAncestry = account ? await scope.ancestry(account.structureId) : [];
      if (!account || structureAccess(principal, accountAncestry) === "none") throw notFound("Compte introuvable");
      if (account.state !== "VALIDATED") throw conflict("Seul un compte validé peut devenir administrateur");
      await db.$transaction(async (tx) => {
        const added = await createStructureSettingsRepository(tx).addAdmin(id, accountId);
        if (!added) throw conflict(`${account.email} est déjà administrateur de cette structure`);
        await auditStructure(tx, actor, id, {
          action: "structure.admin-added",
          after: { accountId, email: account.email },
        });
      });
    },

    /** An administrator cannot remove himself (another administrator or an operator must). */
    async removeAdmin(principal: Principal, id: string, accountId: string, actor: AuditActor) {
      await scope.require(principal, "administer", id);
      if (accountId === principal.accountId) {
        throw forbidden("Vous ne pouvez pas vous retirer vous-même : demandez-le à un autre administrateur");
      }
      await db.$transaction(async (tx) => {
        const admins = createStructureSettingsRepository(tx);
        if (!(await admins.removeAdmin(id, accountId))) {
          throw notFound("Cet administrateur n'existe pas pour cette structure");
        }
        const account = await admins.findAccount(accountId);
        await auditStructure(tx, actor, id, {
          action: "structure.admin-removed",
          before: { accountId, email: account?.email ?? null },
        });
      });
    },
  };
}
export type StructureSettingsService = ReturnType<typeof createStructureSettingsService>;
