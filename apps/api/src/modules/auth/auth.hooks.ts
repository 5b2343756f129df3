import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../../lib/errors.ts";
import type { AuditActor } from "../audit/audit.ts";
import { ANONYMOUS_CSRF_COOKIE, type AuthSettings, CSRF_HEADER, SESSION_COOKIE } from "./auth-settings.ts";
import type { AuthContext, SessionRepository } from "./session.repository.ts";
import { safeEqual } from "./tokens.ts";

/**
 * Who may call a route. Every route is for signed-in callers unless it says otherwise in its config; the
 * authorization matrix test enumerates the routes and their access.
 */
export type RouteAccess = "public" | "signed-in";

declare module "fastify" {
  interface FastifyRequest {
    /** the signed-in caller; null for anonymous requests */
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** The OpenAPI description and its viewer: no data, served to anyone. */
const PUBLIC_PREFIX = "/api/docs";

export function sessionCookieOptions(settings: Pick<AuthSettings, "cookieSecure">) {
  return {
    path: "/",
    httpOnly: true,
    secure: settings.cookieSecure,
    // Strict: no cross-site request ever carries the session (the SPA shell itself needs no cookie).
    sameSite: "strict" as const,
  };
}

/**
 * Installs, for every /api route: the session (request.auth), the access check (401 for anonymous callers of
 * a signed-in route) and CSRF protection on state-changing requests. Hooks go on the root instance so that
 * they cover routes registered by every plugin.
 */
export function installAuthHooks(
  app: FastifyInstance,
  {
    sessions,
    settings,
    now = () => new Date(),
  }: { sessions: SessionRepository; settings: AuthSettings; now?: () => Date },
): void {
  app.decorateRequest("auth", null);

  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/api/") || request.url.startsWith(PUBLIC_PREFIX)) return;
    let sessionEnded = false;
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const check = await sessions.check(token, now());
      if (check.ok) {
        request.auth = check.context;
        if (check.touch) await sessions.touch(check.context.sessionId, now());
      } else {
        sessionEnded = true;
        reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(settings));
      }
    }

    const access = request.routeOptions.config?.access ?? "signed-in";
    if (access === "signed-in" && !request.auth && !request.is404) {
      throw new AppError(
        401,
        "UNAUTHENTICATED",
        sessionEnded ? "Votre session a expiré : reconnectez-vous." : "Connectez-vous pour accéder à la console.",
      );
    }
    if (UNSAFE_METHODS.has(request.method)) checkCsrf(request);
  });
}

/**
 * A state-changing request must come from the console itself: not flagged cross-site by the browser, from our
 * own origin when it says, and carrying the CSRF token (the session's, or before sign-in the one bound to the
 * anonymous cookie) in a header that a cross-site form or a text/plain POST cannot set.
 */
function checkCsrf(request: FastifyRequest): void {
  const refuse = (message: string) => new AppError(403, "CSRF_REJECTED", message);
  if (request.headers["sec-fetch-site"] === "cross-site") throw refuse("Requête refusée : elle vient d'un autre site.");
  const origin = request.headers.origin;
  if (origin && origin !== "null") {
    const host = URL.canParse(origin) ? new URL(origin).host : null;
    if (host !== request.host) throw refuse("Requête refusée : elle vient d'un autre site.");
  } else if (origin === "null") {
    throw refuse("Requête refusée : origine inconnue.");
  }
  const sent = request.headers[CSRF_HEADER];
  const expected = request.auth ? request.auth.csrfToken : request.cookies[ANONYMOUS_CSRF_COOKIE];
  if (typeof sent !== "string" || !expected || !safeEqual(sent, expected)) {
    throw refuse("Jeton anti-CSRF manquant ou invalide : rechargez la page.");
  }
}

/** The signed-in caller of a signed-in route (the hook has already answered 401 otherwise). */
export function signedIn(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new AppError(401, "UNAUTHENTICATED", "Connectez-vous pour accéder à la console.");
  return request.auth;
}

/** The signed-in caller as the audit log records them. */
export function actorOf(request: FastifyRequest): AuditActor {
  const auth = signedIn(request);
  return { id: auth.user.id, label: auth.user.email, ip: request.ip ?? null, requestId: request.id };
}
