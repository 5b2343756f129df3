import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

/**
 * OpenAPI generated from the zod schemas of every route, served at /api/docs when `serve` is true (development
 * and tests; production does not describe its API to strangers). There it is public: it carries no data.
 */
export async function registerSwagger(app: FastifyInstance, { serve }: { serve: boolean }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Medimail Admin API",
        version: "1.0.0",
        description: "Console d'administration Medimail (MSSanté)",
      },
    },
    transform: jsonSchemaTransform,
  });
  if (!serve) return;
  await app.register(async (docs) => {
    docs.addHook("onRoute", (route) => {
      route.config = { ...route.config, access: "public" };
    });
    await docs.register(swaggerUi, { routePrefix: "/api/docs" });
  });
}
