import {
  ActivityExportList,
  ActivityExportParams,
  ActivityExportRequest,
  ActivityExportView,
  ActivitySearchQuery,
  ActivitySearchResponse,
} from "@medimail/contracts/activity";
import { IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sendStoredFile } from "../../lib/download.ts";
import { errorResponses } from "../../lib/route-schema.ts";
import type { ActivityService } from "./activity.service.ts";

const errors = errorResponses(400, 401, 403, 404);
const tags = ["activity"];

/** "Activité structure": the message log's search and chart, the export requests and their files. */
export const activityRoutes: FastifyPluginAsyncZod<{ service: ActivityService }> = async (app, { service }) => {
  app.get(
    "/structures/:id/activity",
    {
      schema: {
        tags,
        summary: "Les 300 derniers messages (adresse, période, sens ; avec les filles) et leur volume par jour",
        params: IdParams,
        querystring: ActivitySearchQuery,
        response: { 200: ActivitySearchResponse, ...errors },
      },
    },
    async (request) => service.search(request.principal, request.params.id, request.query),
  );

  app.get(
    "/structures/:id/activity/exports",
    {
      schema: {
        tags,
        summary: "Historique des exports de l'activité de la structure",
        params: IdParams,
        response: { 200: ActivityExportList, ...errors },
      },
    },
    async (request) => service.listExports(request.principal, request.params.id),
  );

  app.post(
    "/structures/:id/activity/exports",
    {
      schema: {
        tags,
        summary: "Demander l'export (CSV ou XLSX) de tous les messages des critères, traité en arrière-plan",
        params: IdParams,
        body: ActivityExportRequest,
        response: { 201: ActivityExportView, ...errors, ...errorResponses(429) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await service.requestExport(request.principal, request.actor, request.params.id, request.body)),
  );

  app.get(
    "/activity/exports/:exportId/file",
    {
      schema: {
        tags,
        summary: "Récupérer le fichier d'un export terminé (410 une fois expiré)",
        params: ActivityExportParams,
        response: { ...errors, ...errorResponses(409, 410) },
      },
    },
    async (request, reply) => {
      const file = await service.download(request.principal, request.params.exportId);
      return sendStoredFile(reply, file);
    },
  );
};
