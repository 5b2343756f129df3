import {
  AccountActionRequest,
  AccountActionResult,
  AccountCounts,
  AccountCountsQuery,
  AccountDetail,
  AccountListQuery,
  AccountListResponse,
  AccountParams,
  ChangeStructureRequest,
  CreateAccountRequest,
  CreatedAccount,
  DelegateInput,
  DelegateSummary,
  DelegationParams,
  EmailChangeInput,
  EmailChangeListQuery,
  EmailChangeListResponse,
  EmailChangeParams,
  LinkedMailboxInput,
  LinkedMailboxParams,
  UpdateAccountRequest,
} from "@medimail/contracts/accounts";
import { ErrorEnvelope, IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { AccountLinksService } from "./account-links.service.ts";
import type { AccountsService } from "./accounts.service.ts";

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ["accounts"];
const Version = z.object({ version: z.number().int() });

/** "Gestion des utilisateurs Medimail": lists and tabs of a structure, then one account and its actions. */
export const accountsRoutes: FastifyPluginAsyncZod<{
  service: AccountsService;
  links: AccountLinksService;
  /** the public cancel link is rate-limited like the sign-in steps */
  attemptsPerMinute: number;
}> = async (app, { service, links, attemptsPerMinute }) => {
  app.get(
    "/structures/:id/accounts",
    {
      schema: {
        tags,
        summary: "Rechercher les comptes d'une structure (texte, état, type ; avec ses filles) — paginé par curseur",
        params: IdParams,
        querystring: AccountListQuery,
        response: { 200: AccountListResponse, ...errors },
      },
    },
    async (request) => service.list(request.principal, request.params.id, request.query),
  );

  app.get(
    "/structures/:id/accounts/counts",
    {
      schema: {
        tags,
        summary: "Nombre de comptes par onglet (validés, à valider, préinscrits, rejetés, changements de mail)",
        params: IdParams,
        querystring: AccountCountsQuery,
        response: { 200: AccountCounts, ...errors },
      },
    },
    async (request) => service.counts(request.principal, request.params.id, request.query.daughters ?? false),
  );

  app.post(
    "/structures/:id/accounts",
    {
      schema: {
        tags,
        summary: "Créer un utilisateur (MED, PER, INT préinscrits ; ORG, APP validés)",
        params: IdParams,
        body: CreateAccountRequest,
        response: { 201: CreatedAccount, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(request.principal, request.params.id, request.body, request.actor)),
  );

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
    async (request) => links.listEmailChanges(request.principal, request.params.id, request.query),
  );

  app.get(
    "/accounts/:accountId",
    {
      schema: {
        tags,
        summary: "Fiche d'un compte",
        params: AccountParams,
        response: { 200: AccountDetail, ...errors },
      },
    },
    async (request) => service.get(request.principal, request.params.accountId),
  );

  app.put(
    "/accounts/:accountId",
    {
      schema: {
        tags,
        summary: "Enregistrer le compte (y compris un changement de type de BAL) ; 409 si modifié entre-temps",
        params: AccountParams,
        body: UpdateAccountRequest,
        response: { 200: Version, ...errors },
      },
    },
    async (request) => service.update(request.principal, request.params.accountId, request.body, request.actor),
  );

  for (const action of ["validate", "reject", "rehabilitate"] as const) {
    app.post(
      `/accounts/:accountId/${action}`,
      {
        schema: {
          tags,
          summary: { validate: "Valider", reject: "Rejeter", rehabilitate: "Réhabiliter" }[action],
          params: AccountParams,
          body: AccountActionRequest,
          response: { 200: AccountActionResult, ...errors },
        },
      },
      async (request) =>
        service.act(request.principal, request.params.accountId, action, request.body.version, request.actor),
    );
  }

  app.post(
    "/accounts/:accountId/remind",
    {
      schema: {
        tags,
        summary: "Relancer un utilisateur préinscrit (nouveau lien d'inscription)",
        params: AccountParams,
        response: { 200: z.object({ lastReminderAt: z.iso.datetime() }), ...errors },
      },
    },
    async (request) => service.remind(request.principal, request.params.accountId, request.actor),
  );

  app.put(
    "/accounts/:accountId/structure",
    {
      schema: {
        tags,
        summary: "Changer le compte de structure (parmi celles administrées)",
        params: AccountParams,
        body: ChangeStructureRequest,
        response: { 200: Version, ...errors },
      },
    },
    async (request) =>
      service.changeStructure(request.principal, request.params.accountId, request.body, request.actor),
  );

  app.post(
    "/accounts/:accountId/password-reset",
    {
      schema: {
        tags,
        summary: "Demander la réinitialisation du mot de passe (lien à usage unique envoyé au titulaire)",
        params: AccountParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.requestPasswordReset(request.principal, request.params.accountId, request.actor);
      return reply.code(204).send(null);
    },
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
          await links.requestEmailChange(
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
      await links.editEmailChange(request.principal, request.params.requestId, request.body.newEmail, request.actor);
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
      await links.cancelEmailChange(request.principal, request.params.requestId, request.actor);
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
      links.cancelEmailChangeByLink(request.body.token, {
        id: null,
        label: "titulaire (lien d'annulation)",
        ip: request.ip,
        requestId: request.id,
      }),
  );

  app.post(
    "/accounts/:accountId/delegates",
    {
      schema: {
        tags,
        summary: "Ajouter un compte délégué (copie des messages reçus)",
        params: AccountParams,
        body: DelegateInput,
        response: { 201: DelegateSummary, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await links.addDelegate(request.principal, request.params.accountId, request.body.email, request.actor)),
  );

  app.delete(
    "/accounts/:accountId/delegates/:delegationId",
    {
      schema: {
        tags,
        summary: "Supprimer une délégation",
        params: DelegationParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await links.removeDelegate(
        request.principal,
        request.params.accountId,
        request.params.delegationId,
        request.actor,
      );
      return reply.code(204).send(null);
    },
  );

  app.put(
    "/accounts/:accountId/mailboxes/:mailboxId",
    {
      schema: {
        tags,
        summary: "Compte par défaut et notification de réception pour une boîte ORG/APP liée",
        params: LinkedMailboxParams,
        body: LinkedMailboxInput,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await links.updateLinkedMailbox(
        request.principal,
        request.params.accountId,
        request.params.mailboxId,
        request.body,
        request.actor,
      );
      return reply.code(204).send(null);
    },
  );
};
