import { BulkScopeQuery, LastReminder, RemindAllRequest, RemindAllResult } from "@medimail/contracts/bulk";
import { IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { RemindersService } from "./reminders.service.ts";

const errors = errorResponses(400, 401, 403, 404, 409);
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
    async (request) => service.remindAll(request.principal, request.params.id, request.body.daughters, request.actor),
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
    async (request) => service.last(request.principal, request.params.id, request.query.daughters ?? false),
  );
};
