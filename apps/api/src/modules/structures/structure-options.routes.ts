import { IdParams } from "@medimail/contracts/common";
import {
  EnrolmentRuleInput,
  EnrolmentRuleParams,
  EnrolmentRulesResponse,
  StructureLocationInput,
  StructureNotificationsInput,
  StructureOffice365Input,
} from "@medimail/contracts/structure-settings";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { structureErrors as errors, putStructureBlock } from "./structure-block.routes.ts";
import type { StructureOptionsService } from "./structure-options.service.ts";

export const structureOptionsRoutes: FastifyPluginAsyncZod<{ service: StructureOptionsService }> = async (
  app,
  { service },
) => {
  putStructureBlock(app, {
    path: "location",
    summary: "Enregistrer le bloc Localisation (adresse, commune, code postal ; département et région déduits)",
    body: StructureLocationInput,
    save: service.updateLocation,
  });

  putStructureBlock(app, {
    path: "notifications",
    summary: "Enregistrer le bloc Notifications (valeurs par défaut des nouveaux comptes, contacts)",
    body: StructureNotificationsInput,
    save: service.updateNotifications,
  });

  putStructureBlock(app, {
    path: "office365",
    summary: "Enregistrer le quota Office 365 (structures qui l'ont déjà) — opérateurs seulement",
    body: StructureOffice365Input,
    save: (principal, id, body, actor) => service.updateOffice365(principal, id, body.office365Quota, actor),
  });

  app.get(
    "/structures/:id/enrolment-rules",
    {
      schema: {
        tags: ["structures"],
        summary: "Règles d'enrôlement automatique de la structure",
        params: IdParams,
        response: { 200: EnrolmentRulesResponse, ...errors },
      },
    },
    async (request) => ({ items: await service.enrolmentRules(request.principal, request.params.id) }),
  );

  app.post(
    "/structures/:id/enrolment-rules",
    {
      schema: {
        tags: ["structures"],
        summary: "Ajouter une règle d'enrôlement automatique — opérateurs seulement",
        params: IdParams,
        body: EnrolmentRuleInput,
        response: { 201: z.object({ id: z.uuid() }), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await service.addEnrolmentRule(request.principal, request.params.id, request.body, request.actor)),
  );

  app.delete(
    "/structures/:id/enrolment-rules/:ruleId",
    {
      schema: {
        tags: ["structures"],
        summary: "Supprimer une règle d'enrôlement automatique — opérateurs seulement",
        params: EnrolmentRuleParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.removeEnrolmentRule(request.principal, request.params.id, request.params.ruleId, request.actor);
      return reply.code(204).send(null);
    },
  );
};
