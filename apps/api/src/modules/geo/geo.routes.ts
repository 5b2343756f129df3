import { CommuneSearchQuery, CommuneSearchResponse } from "@medimail/contracts/geo";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { CommuneDirectory } from "./communes.ts";

export const geoRoutes: FastifyPluginAsyncZod<{ communes: CommuneDirectory }> = async (app, { communes }) => {
  app.get(
    "/communes",
    {
      schema: {
        tags: ["référentiels"],
        summary: "Communes dont le nom ou le code postal commence par la saisie (suggestions d'adresse)",
        querystring: CommuneSearchQuery,
        response: { 200: CommuneSearchResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => ({ items: await communes.search(request.query.q, 10) }),
  );
};
