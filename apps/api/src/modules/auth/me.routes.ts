import {
  EndedSessionsResponse,
  OwnSessionListResponse,
  OwnSessionParams,
  PscLinkResponse,
  ReauthRequest,
  RecoveryCodesResponse,
  TotpConfirmRequest,
  TotpSetupResponse,
} from "@medimail/contracts/auth";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, notFound } from "../../lib/errors.ts";
import { errorResponses } from "../../lib/route-schema.ts";
import { sessionCookieOptions, signedIn } from "./auth.hooks.ts";
import { loginCookieOptions } from "./auth.routes.ts";
import { type AuthSettings, LOGIN_COOKIE, SESSION_COOKIE } from "./auth-settings.ts";
import type { MeCaller, MeService } from "./me.service.ts";
import type { PscService } from "./psc.service.ts";

const errors = errorResponses(400, 401, 403, 404, 409);

/** "Mon compte": the signed-in user's own second factors and Pro Santé Connect link. */
export const meRoutes: FastifyPluginAsyncZod<{
  me: MeService;
  psc: PscService | null;
  settings: AuthSettings;
}> = async (app, { me, psc, settings }) => {
  const callerOf = (request: FastifyRequest): MeCaller => {
    const auth = signedIn(request);
    return { sessionId: auth.sessionId, accountId: auth.user.id, actor: request.actor };
  };
  /** Runs a factor-checking action; when it ended the session (too many wrong entries), the cookie goes too. */
  const guarded = async <T>(reply: FastifyReply, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 401) {
        reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(settings));
      }
      throw error;
    }
  };

  app.post(
    "/me/reauth",
    {
      schema: {
        tags: ["mon compte"],
        summary: `Confirmer son identité (mot de passe ou code de l'application) avant une modification sensible`,
        body: ReauthRequest,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await guarded(reply, () => me.reauthenticate(callerOf(request), request.body));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/me/totp/setup",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Commencer l'activation d'une application d'authentification : secret et QR code",
        response: { 200: TotpSetupResponse, ...errors },
      },
    },
    async (request) => me.startTotp(callerOf(request)),
  );

  app.post(
    "/me/totp/confirm",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Activer l'application avec un premier code ; renvoie les codes de secours (affichés une fois)",
        body: TotpConfirmRequest,
        response: { 200: RecoveryCodesResponse, ...errors },
      },
    },
    async (request, reply) => guarded(reply, () => me.confirmTotp(callerOf(request), request.body.code)),
  );

  app.post(
    "/me/recovery-codes",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Renouveler les codes de secours (code de l'application requis)",
        body: TotpConfirmRequest,
        response: { 200: RecoveryCodesResponse, ...errors },
      },
    },
    async (request, reply) => guarded(reply, () => me.renewRecoveryCodes(callerOf(request), request.body.code)),
  );

  app.post(
    "/me/totp/disable",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Désactiver l'application d'authentification (code de l'application requis)",
        body: TotpConfirmRequest,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await guarded(reply, () => me.disableTotp(callerOf(request), request.body.code));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/me/psc/link",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Lier son identité Pro Santé Connect : renvoie l'adresse du fournisseur où aller",
        response: { 200: PscLinkResponse, ...errors },
      },
    },
    async (request, reply) => {
      if (!psc) throw notFound("Pro Santé Connect n'est pas configuré");
      await me.requireRecentAuthentication(signedIn(request).sessionId);
      const started = await psc.startLink(signedIn(request).user.id, request.ip ?? null);
      reply.setCookie(LOGIN_COOKIE, started.challengeToken, loginCookieOptions(settings));
      return { url: started.url };
    },
  );

  app.post(
    "/me/psc/unlink",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Délier son identité Pro Santé Connect",
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      if (!psc) throw notFound("Pro Santé Connect n'est pas configuré");
      const actor = request.actor;
      await psc.unlink(signedIn(request).user.id, { label: actor.label, ip: actor.ip, requestId: actor.requestId });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/me/sessions",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Mes sessions ouvertes (appareil, adresse IP, dernière activité)",
        response: { 200: OwnSessionListResponse, ...errors },
      },
    },
    async (request) => ({ items: await me.listSessions(callerOf(request)) }),
  );

  app.delete(
    "/me/sessions/:id",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Terminer une autre de mes sessions",
        params: OwnSessionParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await me.endSession(callerOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/me/sessions",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Terminer toutes mes autres sessions",
        response: { 200: EndedSessionsResponse, ...errors },
      },
    },
    async (request) => me.endOtherSessions(callerOf(request)),
  );
};
