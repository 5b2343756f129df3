import type {
  EnrolmentRule,
  EnrolmentRuleInput,
  StructureLocationInput,
  StructureNotificationsInput,
} from "@medimail/contracts/structure-settings";
import type { Db } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import type { z } from "zod";
import { conflict, notFound, validationFailed } from "../../lib/errors.ts";
import type { Scope } from "../../lib/scope.ts";
import type { AuditActor } from "../audit/audit.repository.ts";
import type { CommuneDirectory } from "../geo/communes.ts";
import { auditStructure, requireOperator, saveStructureBlock } from "./structure-settings.service.ts";
import { createStructuresRepository } from "./structures.repository.ts";

type NotificationsOutput = z.output<typeof StructureNotificationsInput>;
type LocationOutput = z.output<typeof StructureLocationInput>;
type RuleOutput = z.output<typeof EnrolmentRuleInput>;

/** The smaller blocks of "Paramétrage": notifications, Office 365, automatic enrolment. */
export function createStructureOptionsService({
  db,
  scope,
  communes,
}: {
  db: Db;
  scope: Scope;
  communes: CommuneDirectory;
}) {
  const repository = createStructuresRepository(db);
  return {
    /** The commune is looked up in the directory: city, département and région are never typed by hand. */
    async updateLocation(principal: Principal, id: string, input: LocationOutput, actor: AuditActor) {
      await scope.require(principal, "administer", id);
      let place = { city: null, cityInseeCode: null, departmentCode: null, regionCode: null } as {
        city: string | null;
        cityInseeCode: string | null;
        departmentCode: string | null;
        regionCode: string | null;
      };
      if (input.cityInseeCode) {
        const commune = await communes.get(input.cityInseeCode);
        if (!commune) {
          throw validationFailed("Commune inconnue", [{ path: "body.cityInseeCode", message: "Commune inconnue" }]);
        }
        if (input.postcode && !commune.postcodes.includes(input.postcode)) {
          throw validationFailed("Code postal d'une autre commune", [
            {
              path: "body.postcode",
              message: `${input.postcode} n'est pas un code postal de ${commune.name} (${commune.postcodes.join(", ")})`,
            },
          ]);
        }
        place = {
          city: commune.name,
          cityInseeCode: commune.inseeCode,
          departmentCode: commune.departmentCode,
          regionCode: commune.regionCode,
        };
      }
      const data = { addressLine: input.addressLine, postcode: input.postcode, ...place };
      await saveStructureBlock(db, actor, {
        id,
        fields: ["addressLine", "postcode", "city", "cityInseeCode", "departmentCode", "regionCode"],
        data,
        action: "structure.location-updated",
      });
    },

    async updateNotifications(principal: Principal, id: string, input: NotificationsOutput, actor: AuditActor) {
      await scope.require(principal, "administer", id);
      const data = { ...input, adminNotificationEmails: [...new Set(input.adminNotificationEmails)] };
      await saveStructureBlock(db, actor, {
        id,
        fields: [
          "notifyOnReception",
          "notifyDailyDigest",
          "notifyConnectionAccount",
          "notifyOnOpening",
          "adminNotificationEmails",
        ],
        data,
        action: "structure.notifications-updated",
      });
    },

    /** Office 365 is legacy: only structures that already have it keep the block, and only operators change it. */
    async updateOffice365(principal: Principal, id: string, office365Quota: number, actor: AuditActor) {
      await requireOperator(
        scope,
        principal,
        id,
        "Seul un opérateur de la plateforme peut modifier le quota Office 365",
      );
      await saveStructureBlock(db, actor, {
        id,
        fields: ["office365Quota"],
        data: { office365Quota },
        action: "structure.office365-updated",
        check: (before) => {
          if (before.office365Quota === null) throw conflict("Office 365 n'est pas proposé à cette structure");
        },
      });
    },

    async enrolmentRules(principal: Principal, id: string): Promise<EnrolmentRule[]> {
      await scope.require(principal, "read", id);
      return repository.enrolmentRules(id);
    },

    async addEnrolmentRule(principal: Principal, id: string, input: RuleOutput, actor: AuditActor) {
      await requireOperator(
        scope,
        principal,
        id,
        "Seul un opérateur de la plateforme peut modifier l'enrôlement automatique",
      );
      const data = {
        ...input,
        emailDomain: input.emailDomain?.toLowerCase() ?? null,
        departmentCode: input.departmentCode?.toUpperCase() ?? null,
      };
      return db.$transaction(async (tx) => {
        const rule = await createStructuresRepository(tx).addEnrolmentRule(id, data);
        await auditStructure(tx, actor, id, {
          action: "structure.enrolment-rule-added",
          after: { ruleId: rule.id, ...data },
        });
        return rule;
      });
    },

    async removeEnrolmentRule(principal: Principal, id: string, ruleId: string, actor: AuditActor) {
      await requireOperator(
        scope,
        principal,
        id,
        "Seul un opérateur de la plateforme peut modifier l'enrôlement automatique",
      );
      await db.$transaction(async (tx) => {
        const rules = createStructuresRepository(tx);
        const rule = await rules.findEnrolmentRule(id, ruleId);
        if (!rule) throw notFound("Règle d'enrôlement introuvable");
        await rules.deleteEnrolmentRule(ruleId);
        const { structureId: _structure, createdAt: _created, ...before } = rule;
        await auditStructure(tx, actor, id, {
          action: "structure.enrolment-rule-removed",
          before,
        });
      });
    },
  };
}
export type StructureOptionsService = ReturnType<typeof createStructureOptionsService>;
