import { BulkScopeQuery, LastReminder, RemindAllRequest, RemindAllResult } from "@medimail/contracts/bulk";
import { ErrorEnvelope, IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actorOf, signedIn } from "../auth/auth.hooks.ts";
import type { RemindersService } from "./reminders.service.ts";

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope };
const tags = ["bulk"];

/** "Relancer vos utilisateurs préinscrits" and the last reminder's date shown in the Actions menu. */
export const remindersRoutes: FastifyPluginAsyncZod<{ service: RemindersService }> = async (app, { service }) => {
  app.post(
    "/structures/:id/reminders",
    {
      schema: {
        tags,
        summary:
          "Relancer tous les utilisateurs préinscrits de la structure (et de ses filles) : un nouveau lien d'inscription par mail ; 409 si une relance vient d'être envoyée",
        params: IdParams,
        body: RemindAllRequest,
        response: { 200: RemindAllResult, ...errors },
      },
    },
    async (request) =>
      service.remindAll(signedIn(request).principal, request.params.id, request.body.daughters, actorOf(request)),
  );

  app.get(
    "/structures/:id/reminders/last",
    {
      schema: {
        tags,
        summary: "Date de la dernière relance (groupée ou individuelle) et nombre de comptes relancés",
        params: IdParams,
        querystring: BulkScopeQuery,
        response: { 200: LastReminder, ...errors },
      },
    },
    async (request) => service.last(signedIn(request).principal, request.params.id, request.query.daughters ?? false),
  );
};
