import { AccountParams } from "@medimail/contracts/accounts";
import { IdParams } from "@medimail/contracts/common";
import {
  MssActivation,
  MssActivationParams,
  MssActivationPreview,
  MssActivationRequest,
  MssAddressDetail,
  MssAddressInput,
  MssListQuery,
  MssListResponse,
  MssOverview,
} from "@medimail/contracts/mssante";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { MssanteService } from "./mssante.service.ts";

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ["mssante"];

/** "Gestion des utilisateurs MSSanté": counters, lists, correspondences, activation of every compatible account. */
export const mssanteRoutes: FastifyPluginAsyncZod<{ service: MssanteService }> = async (app, { service }) => {
  app.get(
    "/structures/:id/mssante",
    {
      schema: {
        tags,
        summary: "Domaine, adresses utilisées et disponibles par type (quotas), nombre de comptes par onglet",
        params: IdParams,
        response: { 200: MssOverview, ...errors },
      },
    },
    async (request) => service.overview(request.principal, request.params.id),
  );

  app.get(
    "/structures/:id/mssante/accounts",
    {
      schema: {
        tags,
        summary: "Comptes par type d'adresse (PER et INT, ORG, APP) ou sans adresse (Non MSSanté), paginés",
        params: IdParams,
        querystring: MssListQuery,
        response: { 200: MssListResponse, ...errors },
      },
    },
    async (request) => service.list(request.principal, request.params.id, request.query),
  );

  app.post(
    "/structures/:id/mssante/activations/preview",
    {
      schema: {
        tags,
        summary: "Ce que créerait « Activer tous les utilisateurs compatibles » (adresses proposées, refus motivés)",
        params: IdParams,
        body: MssActivationRequest,
        response: { 200: MssActivationPreview, ...errors },
      },
    },
    async (request) => service.previewActivation(request.principal, request.params.id, request.body.daughters),
  );

  app.post(
    "/structures/:id/mssante/activations",
    {
      schema: {
        tags,
        summary: "Activer tous les utilisateurs compatibles (tâche de fond)",
        params: IdParams,
        body: MssActivationRequest,
        response: { 202: z.object({ id: z.uuid() }), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await service.requestActivation(request.principal, request.params.id, request.body.daughters, request.actor),
        ),
  );

  app.get(
    "/structures/:id/mssante/activations/:activationId",
    {
      schema: {
        tags,
        summary: "État et compte rendu d'une activation",
        params: MssActivationParams,
        response: { 200: MssActivation, ...errors },
      },
    },
    async (request) => service.getActivation(request.principal, request.params.id, request.params.activationId),
  );

  app.get(
    "/accounts/:accountId/mss-address",
    {
      schema: {
        tags,
        summary: "Correspondance MSSanté d'un compte (ou l'adresse proposée)",
        params: AccountParams,
        response: { 200: MssAddressDetail, ...errors },
      },
    },
    async (request) => service.getAddress(request.principal, request.params.accountId),
  );

  app.put(
    "/accounts/:accountId/mss-address",
    {
      schema: {
        tags,
        summary: "Créer ou modifier la correspondance MSSanté (règle du type, unicité, quota)",
        params: AccountParams,
        body: MssAddressInput,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.putAddress(request.principal, request.params.accountId, request.body, request.actor);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/accounts/:accountId/mss-address",
    {
      schema: {
        tags,
        summary: "Supprimer la correspondance MSSanté (retirée de l'annuaire à la prochaine publication)",
        params: AccountParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.deleteAddress(request.principal, request.params.accountId, request.actor);
      return reply.code(204).send(null);
    },
  );
};
