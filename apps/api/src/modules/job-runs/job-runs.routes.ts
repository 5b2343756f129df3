import { ErrorEnvelope } from "@medimail/contracts/common";
import { JobListResponse, JobNameParams, JobRunSummary, JobRunsResponse } from "@medimail/contracts/jobs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requirePlatform } from "../../lib/scope.ts";
import type { JobRunsService } from "./job-runs.service.ts";

const denied = { 401: ErrorEnvelope, 403: ErrorEnvelope };

export const jobRunsRoutes: FastifyPluginAsyncZod<{ service: JobRunsService }> = async (app, { service }) => {
  app.get(
    "/jobs",
    {
      schema: {
        tags: ["tâches"],
        summary: "Tâches planifiées et leur dernière exécution",
        response: { 200: JobListResponse, ...denied },
      },
    },
    async (request) => {
      requirePlatform(request.principal, "jobs.read");
      return { items: await service.list() };
    },
  );

  app.get(
    "/jobs/:name/runs",
    {
      schema: {
        tags: ["tâches"],
        summary: "Les 20 dernières exécutions d'une tâche",
        params: JobNameParams,
        response: { 200: JobRunsResponse, 404: ErrorEnvelope, ...denied },
      },
    },
    async (request) => {
      requirePlatform(request.principal, "jobs.read");
      return { items: await service.runs(request.params.name) };
    },
  );

  app.post(
    "/jobs/:name/runs",
    {
      schema: {
        tags: ["tâches"],
        summary: "Lancer une tâche maintenant",
        params: JobNameParams,
        response: { 202: JobRunSummary, 404: ErrorEnvelope, ...denied },
      },
    },
    async (request, reply) => {
      requirePlatform(request.principal, "jobs.run");
      return reply.code(202).send(await service.runNow(request.params.name, request.actor));
    },
  );
};
