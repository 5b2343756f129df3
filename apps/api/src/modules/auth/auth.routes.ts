import {
  EmailCodeLoginRequest,
  LoginNextStep,
  PasswordLoginRequest,
  PscStartQuery,
  SessionResponse,
  VerifyCodeRequest,
} from "@medimail/contracts/auth";
import { ErrorEnvelope } from "@medimail/contracts/common";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorResponses } from "../../lib/route-schema.ts";
import { sessionCookieOptions, signedIn } from "./auth.hooks.ts";
import {
  ANONYMOUS_CSRF_COOKIE,
  type AuthSettings,
  CODE_VALIDITY_MINUTES,
  LOGIN_COOKIE,
  SESSION_COOKIE,
} from "./auth-settings.ts";
import type { LoginService, RequestOrigin, SessionOpened } from "./login.service.ts";
import type { PscService } from "./psc.service.ts";
import { randomToken } from "./tokens.ts";

export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers["user-agent"];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === "string" ? userAgent : null, requestId: request.id };
}

export function loginCookieOptions(settings: Pick<AuthSettings, "cookieSecure">) {
  return {
    path: "/api/auth",
    httpOnly: true,
    secure: settings.cookieSecure,
    // Lax, not Strict: Pro Santé Connect sends the browser back here with a cross-site top-level GET.
    sameSite: "lax" as const,
    maxAge: CODE_VALIDITY_MINUTES * 60,
  };
}

export interface AuthRoutesOptions {
  login: LoginService;
  psc: PscService | null;
  settings: AuthSettings;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { login, psc, settings }) => {
  const limited = { max: settings.loginAttemptsPerMinute, timeWindow: 60_000 };
  const errors = errorResponses(400, 401, 403, 429);

  function sessionResponse(request: FastifyRequest, reply: FastifyReply, opened?: SessionOpened): SessionResponse {
    let csrfToken = opened?.csrfToken ?? request.auth?.csrfToken;
    if (!csrfToken) {
      // Before sign-in, the CSRF token is bound to an anonymous cookie (double submit, the cookie being HttpOnly).
      csrfToken = request.cookies[ANONYMOUS_CSRF_COOKIE] ?? randomToken();
      reply.setCookie(ANONYMOUS_CSRF_COOKIE, csrfToken, { ...sessionCookieOptions(settings), path: "/api" });
    }
    return {
      csrfToken,
      user: opened ? null : (request.auth?.user ?? null),
      returnTo: opened?.returnTo ?? null,
      pscEnabled: psc !== null,
      idleTimeoutSeconds: settings.sessionIdleMinutes * 60,
    };
  }

  function startChallenge(reply: FastifyReply, token: string) {
    reply.setCookie(LOGIN_COOKIE, token, loginCookieOptions(settings));
  }

  function openSession(reply: FastifyReply, opened: { sessionToken: string }) {
    reply.clearCookie(LOGIN_COOKIE, loginCookieOptions(settings));
    reply.setCookie(SESSION_COOKIE, opened.sessionToken, {
      ...sessionCookieOptions(settings),
      maxAge: settings.sessionAbsoluteHours * 3600,
    });
  }

  app.get(
    "/auth/session",
    {
      config: { access: "public" },
      schema: {
        tags: ["auth"],
        summary: "La session en cours (ou aucune) et le jeton anti-CSRF à renvoyer dans x-csrf-token",
        response: { 200: SessionResponse },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      return sessionResponse(request, reply);
    },
  );

  app.post(
    "/auth/password",
    {
      config: { access: "public", rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "Étape 1 : adresse e-mail et mot de passe ; la réponse dit quel second facteur demander",
        body: PasswordLoginRequest,
        response: { 200: LoginNextStep, ...errors },
      },
    },
    async (request, reply) => {
      const started = await login.withPassword(request.body, originOf(request));
      startChallenge(reply, started.challengeToken);
      return { next: started.next, expiresInSeconds: started.expiresInSeconds };
    },
  );

  app.post(
    "/auth/email-code",
    {
      config: { access: "public", rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "S'identifier avec un code à usage unique : envoie un code si l'adresse est celle d'un utilisateur",
        body: EmailCodeLoginRequest,
        response: { 202: LoginNextStep, ...errors },
      },
    },
    async (request, reply) => {
      const started = await login.withEmailCode(request.body, originOf(request));
      startChallenge(reply, started.challengeToken);
      return reply.code(202).send({ next: started.next, expiresInSeconds: started.expiresInSeconds });
    },
  );

  app.post(
    "/auth/verify",
    {
      config: { access: "public", rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "Étape 2 : le code (e-mail, application ou code de secours) ; ouvre la session",
        body: VerifyCodeRequest,
        response: { 200: SessionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const opened = await login.verifyCode(
        {
          challengeToken: request.cookies[LOGIN_COOKIE],
          code: request.body.code,
          appCode: request.body.appCode,
          previousSessionToken: request.cookies[SESSION_COOKIE],
        },
        originOf(request),
      );
      openSession(reply, opened);
      reply.header("cache-control", "no-store");
      return sessionResponse(request, reply, opened);
    },
  );

  app.post(
    "/auth/logout",
    {
      schema: { tags: ["auth"], summary: "Se déconnecter", response: { 204: z.null(), 401: ErrorEnvelope } },
    },
    async (request, reply) => {
      const auth = signedIn(request);
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        await login.logout(token, {
          id: auth.user.id,
          label: auth.user.email,
          ip: request.ip ?? null,
          requestId: request.id,
          structureId: auth.structureId,
        });
      }
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(settings));
      return reply.code(204).send(null);
    },
  );

  if (!psc) return;

  app.get(
    "/auth/psc/start",
    {
      config: { access: "public", rateLimit: limited },
      schema: {
        tags: ["auth"],
        summary: "Se connecter avec Pro Santé Connect : redirige vers le fournisseur",
        querystring: PscStartQuery,
      },
    },
    async (request, reply) => {
      try {
        const started = await psc.startSignIn({ returnTo: request.query.returnTo, ip: request.ip ?? null });
        startChallenge(reply, started.challengeToken);
        return reply.redirect(started.url, 303);
      } catch (error) {
        request.log.warn({ err: error }, "Pro Santé Connect unavailable");
        return reply.redirect("/connexion?erreur=psc-indisponible", 303);
      }
    },
  );

  app.get(
    "/auth/psc/callback",
    {
      config: { access: "public" },
      schema: { tags: ["auth"], summary: "Retour de Pro Santé Connect (code d'autorisation)" },
    },
    async (request, reply) => {
      const outcome = await psc.finish(
        {
          challengeToken: request.cookies[LOGIN_COOKIE],
          callbackUrl: new URL(request.url, "http://callback.invalid"),
          previousSessionToken: request.cookies[SESSION_COOKIE],
        },
        originOf(request),
      );
      reply.clearCookie(LOGIN_COOKIE, loginCookieOptions(settings));
      if (outcome.sessionToken) openSession(reply, { sessionToken: outcome.sessionToken });
      else request.log.info({ redirectTo: outcome.redirectTo }, "Pro Santé Connect: no session opened");
      return reply.redirect(outcome.redirectTo, 303);
    },
  );
};
