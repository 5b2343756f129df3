import {
  AccountParams,
  EmailChangeInput,
  EmailChangeListQuery,
  EmailChangeListResponse,
  EmailChangeParams,
} from "@medimail/contracts/accounts";
import { ErrorEnvelope, IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { EmailChangesService } from "./email-changes.service.ts";

const errors = errorResponses(400, 401, 403, 404, 409);
// listed with the accounts in the API documentation, as the console shows them
const tags = ["accounts"];

/** "Demandes de changement de mail": a structure's tab, one account's request, and the public cancel link. */
export const emailChangesRoutes: FastifyPluginAsyncZod<{
  service: EmailChangesService;
  /** the public cancel link is rate-limited like the sign-in steps */
  attemptsPerMinute: number;
}> = async (app, { service, attemptsPerMinute }) => {
  app.get(
    "/structures/:id/email-changes",
    {
      schema: {
        tags,
        summary: "Demandes de changement de mail de la structure (les plus récentes d'abord)",
        params: IdParams,
        querystring: EmailChangeListQuery,
        response: { 200: EmailChangeListResponse, ...errors },
      },
    },
    async (request) => service.listEmailChanges(request.principal, request.params.id, request.query),
  );

  app.post(
    "/accounts/:accountId/email-change",
    {
      schema: {
        tags,
        summary: "Changer l'adresse mail : crée une demande appliquée la nuit",
        params: AccountParams,
        body: EmailChangeInput,
        response: { 201: z.object({ id: z.uuid() }), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await service.requestEmailChange(
            request.principal,
            request.params.accountId,
            request.body.newEmail,
            request.actor,
          ),
        ),
  );

  app.put(
    "/email-changes/:requestId",
    {
      schema: {
        tags,
        summary: "Modifier une demande de changement de mail en attente",
        params: EmailChangeParams,
        body: EmailChangeInput,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.editEmailChange(request.principal, request.params.requestId, request.body.newEmail, request.actor);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/email-changes/:requestId",
    {
      schema: {
        tags,
        summary: "Supprimer une demande de changement de mail en attente",
        params: EmailChangeParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.cancelEmailChange(request.principal, request.params.requestId, request.actor);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/email-changes/cancel",
    {
      config: { access: "public", rateLimit: { max: attemptsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: "Annuler un changement de mail par le lien envoyé à l'ancienne adresse (public, usage unique)",
        body: z.object({ token: z.string().min(1).max(200) }),
        response: {
          200: z.object({ oldEmail: z.string() }),
          400: ErrorEnvelope,
          403: ErrorEnvelope,
          429: ErrorEnvelope,
        },
      },
    },
    async (request) =>
      service.cancelEmailChangeByLink(request.body.token, {
        id: null,
        label: "titulaire (lien d'annulation)",
        ip: request.ip,
        requestId: request.id,
      }),
  );
};
