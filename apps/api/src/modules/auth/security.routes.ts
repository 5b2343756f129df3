import { LockedAccountListResponse } from "@medimail/contracts/auth";
import { ErrorEnvelope, IdParams } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requirePlatform } from "../../lib/scope.ts";
import type { SecurityService } from "./security.service.ts";

/** Accounts locked after too many wrong passwords, and the operator's "Déverrouiller". */
export const securityRoutes: FastifyPluginAsyncZod<{ service: SecurityService }> = async (app, { service }) => {
  const denied = { 401: ErrorEnvelope, 403: ErrorEnvelope };

  app.get(
    "/security/locked-accounts",
    {
      schema: {
        tags: ["sécurité"],
        summary: "Comptes verrouillés après trop d'échecs de connexion",
        response: { 200: LockedAccountListResponse, ...denied },
      },
    },
    async (request) => {
      requirePlatform(request.principal, "accounts.unlock");
      return service.lockedAccounts();
    },
  );

  app.post(
    "/security/locked-accounts/:id/unlock",
    {
      schema: {
        tags: ["sécurité"],
        summary: "Déverrouiller un compte",
        params: IdParams,
        response: { 204: z.null(), 404: ErrorEnvelope, ...denied },
      },
    },
    async (request, reply) => {
      requirePlatform(request.principal, "accounts.unlock");
      await service.unlock(request.params.id, request.actor);
      return reply.code(204).send(null);
    },
  );
};
