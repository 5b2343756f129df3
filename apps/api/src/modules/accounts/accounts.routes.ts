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
  LinkedMailboxInput,
  LinkedMailboxParams,
  UpdateAccountRequest,
} from "@medimail/contracts/accounts";
import { IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { AccountLinksService } from "./account-links.service.ts";
import type { AccountsService } from "./accounts.service.ts";

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ["accounts"];
const Version = z.object({ version: z.number().int() });

/**
 * "Gestion des utilisateurs Medimail": lists and tabs of a structure, then one account and its actions. (Its email
 * change requests: email-changes.routes.ts.)
 */
export const accountsRoutes: FastifyPluginAsyncZod<{
  service: AccountsService;
  links: AccountLinksService;
}> = async (app, { service, links }) => {
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
