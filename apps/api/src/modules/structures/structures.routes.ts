import { IdParams } from "@medimail/contracts/common";
import { StructureDetail, StructureListResponse } from "@medimail/contracts/structures";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { StructuresService } from "./structures.service.ts";

export const structuresRoutes: FastifyPluginAsyncZod<{ service: StructuresService }> = async (app, { service }) => {
  app.get(
    "/structures",
    {
      schema: {
        tags: ["structures"],
        summary: "Structures du périmètre, avec parent, total utilisateurs et administrateurs",
        response: { 200: StructureListResponse, ...errorResponses(401) },
      },
    },
    async (request) => ({ items: await service.list(request.principal) }),
  );

  app.get(
    "/structures/:id",
    {
      schema: {
        tags: ["structures"],
        summary: "Une structure et ses ancêtres",
        params: IdParams,
        response: { 200: StructureDetail, ...errorResponses(401, 404) },
      },
    },
    async (request) => service.get(request.principal, request.params.id),
  );
};
