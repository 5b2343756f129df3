import { IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sendDownload } from "../../lib/download.ts";
import { errorResponses } from "../../lib/route-schema.ts";
import type { TemplateService } from "./template.service.ts";

const errors = errorResponses(400, 401, 403, 404);

/** "Télécharger la dernière version du modèle loaduser" (from a structure's accounts section). */
export const templateRoutes: FastifyPluginAsyncZod<{ service: TemplateService }> = async (app, { service }) => {
  app.get(
    "/structures/:id/loaduser-template.xlsx",
    {
      schema: {
        tags: ["bulk"],
        summary: "Modèle loaduser (XLSX) : onglet Utilisateurs avec listes déroulantes et exemple, onglet Consignes",
        params: IdParams,
        response: errors,
      },
    },
    async (request, reply) =>
      sendDownload(request, reply, await service.loaduserTemplate(request.principal, request.params.id)),
  );
};
