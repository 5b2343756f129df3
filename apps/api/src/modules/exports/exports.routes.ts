import { BulkScopeQuery } from "@medimail/contracts/bulk";
import { IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sendDownload } from "../../lib/download.ts";
import { errorResponses } from "../../lib/route-schema.ts";
import type { ExportsService } from "./exports.service.ts";

const errors = errorResponses(400, 401, 403, 404);
const tags = ["bulk"];

/** The Actions menu's exports, streamed (`?daughters=true`: the structure and its daughters). */
export const exportsRoutes: FastifyPluginAsyncZod<{ service: ExportsService }> = async (app, { service }) => {
  for (const format of ["xlsx", "csv"] as const) {
    app.get(
      `/structures/:id/exports/users.${format}`,
      {
        schema: {
          tags,
          summary: `Exporter la liste d'utilisateurs (validés et préinscrits) au format ${format.toUpperCase()}, colonnes du modèle loaduser`,
          params: IdParams,
          querystring: BulkScopeQuery,
          response: errors,
        },
      },
      async (request, reply) => {
        const download = await service.users(
          request.principal,
          request.params.id,
          request.query.daughters ?? false,
          format,
        );
        return sendDownload(request, reply, download);
      },
    );
  }

  app.get(
    "/structures/:id/exports/inactive-accounts.xlsx",
    {
      schema: {
        tags,
        summary: "Exporter les comptes inactifs supprimés depuis 6 mois et ceux bientôt supprimés (deux onglets)",
        params: IdParams,
        querystring: BulkScopeQuery,
        response: errors,
      },
    },
    async (request, reply) =>
      sendDownload(
        request,
        reply,
        await service.inactive(request.principal, request.params.id, request.query.daughters ?? false),
      ),
  );

  app.get(
    "/structures/:id/exports/last-reminder.xlsx",
    {
      schema: {
        tags,
        summary: "Exporter la dernière relance : comptes relancés, date de la relance, état actuel",
        params: IdParams,
        querystring: BulkScopeQuery,
        response: errors,
      },
    },
    async (request, reply) =>
      sendDownload(
        request,
        reply,
        await service.lastReminder(request.principal, request.params.id, request.query.daughters ?? false),
      ),
  );
};
