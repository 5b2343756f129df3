import { DirectoryPublicationsResponse } from "@medimail/contracts/directory";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponses } from "../../lib/route-schema.ts";
import { requirePlatform } from "../../lib/scope.ts";
import type { DirectoryService } from "./directory.service.ts";

export const directoryRoutes: FastifyPluginAsyncZod<{ service: DirectoryService }> = async (app, { service }) => {
  app.get(
    "/directory/publications",
    {
      schema: {
        tags: ["annuaire"],
        summary: "Publications nocturnes dans l'annuaire national : comptes et adresses retenues",
        response: { 200: DirectoryPublicationsResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      // the operations' screens: operators, and support in reading
      requirePlatform(request.principal, "jobs.read");
      return service.publications();
    },
  );
};
