import {
  PscLinkResponse,
  RecoveryCodesResponse,
  TotpConfirmRequest,
  TotpSetupResponse,
} from "@medimail/contracts/auth";
import { ErrorEnvelope } from "@medimail/contracts/common";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { notFound } from "../../lib/errors.ts";
import { actorOf, signedIn } from "./auth.hooks.ts";
import { loginCookieOptions } from "./auth.routes.ts";
import { type AuthSettings, LOGIN_COOKIE } from "./auth-settings.ts";
import type { MeService } from "./me.service.ts";
import type { PscService } from "./psc.service.ts";

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope };

/** "Mon compte": the signed-in user's own second factors and Pro Santé Connect link. */
export const meRoutes: FastifyPluginAsyncZod<{
  me: MeService;
  psc: PscService | null;
  settings: AuthSettings;
}> = async (app, { me, psc, settings }) => {
  app.post(
    "/me/totp/setup",
    {
      schema: {
        tags: ["mon compte"],
        summary: "Commencer l'activation d'une application d'authentification : secret et QR code",
        response: { 200: TotpSetupResponse, ...errors },
      },
    },
    async (request) => me.startTotp(signedIn(request).user.id),
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
    async (request) => me.confirmTotp(signedIn(request).user.id, request.body.code, actorOf(request)),
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
    async (request) => me.renewRecoveryCodes(signedIn(request).user.id, request.body.code, actorOf(request)),
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
      await me.disableTotp(signedIn(request).user.id, request.body.code, actorOf(request));
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
      const actor = actorOf(request);
      await psc.unlink(signedIn(request).user.id, { label: actor.label, ip: actor.ip, requestId: actor.requestId });
      return reply.code(204).send(null);
    },
  );
};
