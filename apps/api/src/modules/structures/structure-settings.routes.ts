import { IdParams } from "@medimail/contracts/common";
import { StructureOverview } from "@medimail/contracts/structure-overview";
import {
  AddAdminRequest,
  AdminCandidatesQuery,
  AdminCandidatesResponse,
  CreatedStructure,
  CreateStructureRequest,
  MoveStructureRequest,
  StructureAdminParams,
  StructureAdminsResponse,
  StructureIdentityInput,
  StructureMssanteInput,
  StructureSettings,
} from "@medimail/contracts/structure-settings";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { structureErrors as errors, putStructureBlock } from "./structure-block.routes.ts";
import type { StructureOverviewService } from "./structure-overview.service.ts";
import type { StructureSettingsService } from "./structure-settings.service.ts";

/** "Paramétrage de la structure": each block is read with the settings and saved on its own. */
export const structureSettingsRoutes: FastifyPluginAsyncZod<{
  service: StructureSettingsService;
  overview: StructureOverviewService;
}> = async (app, { service, overview }) => {
  app.get(
    "/structures/:id/overview",
    {
      schema: {
        tags: ["structures"],
        summary: "Accueil de la structure : comptes par état et par type, quotas MSSanté, travail en attente, messages",
        params: IdParams,
        response: { 200: StructureOverview, ...errors },
      },
    },
    async (request) => overview.get(request.principal, request.params.id),
  );

  app.post(
    "/structures",
    {
      schema: {
        tags: ["structures"],
        summary: "Créer une structure sous une structure mère — opérateurs seulement",
        body: CreateStructureRequest,
        response: { 201: CreatedStructure, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(request.principal, request.body, request.actor)),
  );

  putStructureBlock(app, {
    path: "parent",
    summary: "Changer la structure mère (refusé s'il crée un cycle) — opérateurs seulement",
    body: MoveStructureRequest,
    save: (principal, id, body, actor) => service.move(principal, id, body.parentId, actor),
  });

  app.get(
    "/structures/:id/settings",
    {
      schema: {
        tags: ["structures"],
        summary: "Paramétrage d'une structure, avec ce que l'appelant peut modifier",
        params: IdParams,
        response: { 200: StructureSettings, ...errors },
      },
    },
    async (request) => service.get(request.principal, request.params.id),
  );

  putStructureBlock(app, {
    path: "identity",
    summary: "Enregistrer le bloc Identité (nom, type, identifiant FINESS/SIREN/SIRET, téléphone)",
    body: StructureIdentityInput,
    save: service.updateIdentity,
  });

  putStructureBlock(app, {
    path: "mssante",
    summary: "Enregistrer le bloc MSSanté (domaine, quotas par type) — opérateurs seulement",
    body: StructureMssanteInput,
    save: service.updateMssante,
  });

  app.get(
    "/structures/:id/admins",
    {
      schema: {
        tags: ["structures"],
        summary: "Administrateurs de la structure, avec les avertissements (moins de deux)",
        params: IdParams,
        response: { 200: StructureAdminsResponse, ...errors },
      },
    },
    async (request) => service.admins(request.principal, request.params.id),
  );

  app.get(
    "/structures/:id/admin-candidates",
    {
      schema: {
        tags: ["structures"],
        summary: "Comptes de la structure et de ses filles pouvant devenir administrateurs (recherche, par pages)",
        params: IdParams,
        querystring: AdminCandidatesQuery,
        response: { 200: AdminCandidatesResponse, ...errors },
      },
    },
    async (request) =>
      service.adminCandidates(request.principal, request.params.id, request.query.q, request.query.page),
  );

  app.post(
    "/structures/:id/admins",
    {
      schema: {
        tags: ["structures"],
        summary: "Ajouter un administrateur",
        params: IdParams,
        body: AddAdminRequest,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.addAdmin(request.principal, request.params.id, request.body.accountId, request.actor);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/structures/:id/admins/:accountId",
    {
      schema: {
        tags: ["structures"],
        summary: "Retirer un administrateur (pas soi-même)",
        params: StructureAdminParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.removeAdmin(request.principal, request.params.id, request.params.accountId, request.actor);
      return reply.code(204).send(null);
    },
  );
};
