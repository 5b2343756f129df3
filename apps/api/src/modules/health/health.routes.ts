import { HealthResponse, ReadyResponse } from "@medimail/contracts/health";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError } from "../../lib/errors.ts";

export const healthRoutes: FastifyPluginAsyncZod<{ pingDatabase: () => Promise<void> }> = async (
  app,
  { pingDatabase },
) => {
  app.get(
    "/health",
    {
      config: { access: "outside-api" },
      schema: { tags: ["santé"], summary: "Liveness", response: { 200: HealthResponse } },
    },
    async () => ({
      status: "ok" as const,
    }),
  );

  app.get(
    "/ready",
    {
      config: { access: "outside-api" },
      schema: { tags: ["santé"], summary: "Readiness: the database answers", response: { 200: ReadyResponse } },
    },
    async () => {
      try {
        await pingDatabase();
      } catch {
        throw new AppError(503, "SERVICE_UNAVAILABLE", "Base de données injoignable");
      }
      return { status: "ok" as const, database: "ok" as const };
    },
  );
};
