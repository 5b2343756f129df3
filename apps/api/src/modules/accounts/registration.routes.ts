import { SelfRegistrationRequest, SetPasswordRequest } from "@medimail/contracts/accounts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorResponses } from "../../lib/route-schema.ts";
import type { AuditActor } from "../audit/audit.repository.ts";
import type { RegistrationService } from "./registration.service.ts";

const errors = errorResponses(400, 422, 429);

/** Public: the sign-up form and the single-use links from mails. Rate-limited like the sign-in steps. */
export const registrationRoutes: FastifyPluginAsyncZod<{
  service: RegistrationService;
  attemptsPerMinute: number;
}> = async (app, { service, attemptsPerMinute }) => {
  const limited = { max: attemptsPerMinute, timeWindow: 60_000 };
  const anonymous = (ip: string, requestId: string): AuditActor => ({ id: null, label: "inscription", ip, requestId });

  app.post(
    "/registration",
    {
      config: { access: "public", rateLimit: limited },
      schema: {
        tags: ["registration"],
        summary: "S'inscrire à Medimail (le compte attend la validation d'un administrateur)",
        body: SelfRegistrationRequest,
        response: { 202: z.object({ structureName: z.string() }), ...errors },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await service.register(request.body, anonymous(request.ip, request.id))),
  );

  app.get(
    "/registration/link",
    {
      config: { access: "public", rateLimit: limited },
      schema: {
        tags: ["registration"],
        summary: "Ce que permet un lien reçu par mail (finaliser l'inscription, nouveau mot de passe)",
        querystring: z.object({ token: z.string().max(200) }),
        response: {
          200: z.union([
            z.object({
              valid: z.literal(true),
              purpose: z.enum(["REGISTRATION", "PASSWORD_RESET"]),
              email: z.string(),
              name: z.string(),
            }),
            z.object({ valid: z.literal(false), message: z.string() }),
          ]),
          ...errors,
        },
      },
    },
    async (request) => service.linkInfo(request.query.token),
  );

  app.post(
    "/registration/password",
    {
      config: { access: "public", rateLimit: limited },
      schema: {
        tags: ["registration"],
        summary: "Choisir son mot de passe par un lien à usage unique",
        body: SetPasswordRequest,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await service.setPassword(request.body.token, request.body.password, anonymous(request.ip, request.id));
      return reply.code(204).send(null);
    },
  );
};
