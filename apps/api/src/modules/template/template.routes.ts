import { IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sendDownload, XLSX_TYPE } from "../../lib/download.ts";
import { errorResponses } from "../../lib/route-schema.ts";
import type { Scope } from "../../lib/scope.ts";
import { buildLoaduserTemplate, TEMPLATE_FILENAME } from "./template-workbook.ts";

const errors = errorResponses(400, 401, 403, 404);

/** "Télécharger la dernière version du modèle loaduser" (from a structure's accounts section). */
export const templateRoutes: FastifyPluginAsyncZod<{ scope: Scope }> = async (app, { scope }) => {
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
    async (request, reply) => {
      await scope.require(request.principal, "read", request.params.id);
      const file = await buildLoaduserTemplate();
      return sendDownload(request, reply, {
        filename: TEMPLATE_FILENAME,
        contentType: XLSX_TYPE,
        write: async (output) => void output.end(file),
      });
    },
  );
};
