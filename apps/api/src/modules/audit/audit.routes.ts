import { AuditPage, AuditQuery } from "@medimail/contracts/audit";
import { ErrorEnvelope } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AuditService } from "./audit.service.ts";

export const auditRoutes: FastifyPluginAsyncZod<{ service: AuditService }> = async (app, { service }) => {
  app.get(
    "/audit",
    {
      schema: {
        tags: ["journal"],
        summary: "Journal d'audit du périmètre, filtré (structure et ses filles, acteur, action, période), paginé",
        querystring: AuditQuery,
        response: { 200: AuditPage, 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope },
      },
    },
    async (request) => service.page(request.principal, request.query),
  );
};
