import type { Principal } from "@medimail/domain/access";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../../lib/errors.ts";
import type { AuditActor } from "../audit/audit.repository.ts";
import { ANONYMOUS_CSRF_COOKIE, type AuthSettings, CSRF_HEADER, SESSION_COOKIE } from "./auth-settings.ts";
import type { AuthContext, SessionRepository } from "./session.repository.ts";
import { safeEqual } from "./tokens.ts";

/**
 * Who may call a route. Every route is for signed-in callers unless it says otherwise in its config; the
 * authorization matrix test enumerates the routes and their access. "outside-api" is for the routes that serve
 * no data (health probes, the SPA shell and its files): no session, no CSRF check; no /api route may use it.
 */
export type RouteAccess = "public" | "signed-in" | "outside-api";

declare module "fastify" {
  interface FastifyRequest {
    /** the signed-in caller; null for anonymous requests */
    auth: AuthContext | null;
    /** the signed-in caller's rights (a 401 when read on an anonymous request) */
    readonly principal: Principal;
    /** the signed-in caller as the audit log records them (a 401 when read on an anonymous request) */
    readonly actor: AuditActor;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

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
 * Installs, for every route that does not opt out in its config: the session (request.auth), the access check
 * (401 for anonymous callers of a signed-in route), CSRF protection on state-changing requests, and
 * `Cache-Control: no-store` (answers carry personal data). The decision comes from the route the router matched,
 * never from the spelling of the URL: `/%61pi/…` reaches the same route, with the same checks. Hooks go on the
 * root instance so that they cover routes registered by every plugin.
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
  app.decorateRequest("principal", {
    getter(this: FastifyRequest) {
      return signedIn(this).principal;
    },
  });
  app.decorateRequest("actor", {
    getter(this: FastifyRequest) {
      return actorOf(this);
    },
  });

  app.addHook("onRoute", (route) => {
    if (route.config?.access === "outside-api" && /^\/api(\/|$)/i.test(route.url ?? "")) {
      throw new Error(`${route.url}: an /api route cannot opt out of the session and CSRF checks`);
    }
  });

  app.addHook("onSend", async (request, reply) => {
    if (accessOf(request) !== "outside-api") reply.header("cache-control", "no-store");
  });

  app.addHook("onRequest", async (request, reply) => {
    const access = accessOf(request);
    // an unknown route answers its 404 (no data) without reading the session
    if (access === "outside-api" || request.is404) return;
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

    if (access === "signed-in" && !request.auth) {
      throw new AppError(
        401,
        "UNAUTHENTICATED",
        sessionEnded ? "Votre session a expiré : reconnectez-vous." : "Connectez-vous pour accéder à la console.",
      );
    }
    if (UNSAFE_METHODS.has(request.method)) checkCsrf(request);
  });
}

function accessOf(request: FastifyRequest): RouteAccess {
  return request.routeOptions.config?.access ?? "signed-in";
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

/** The signed-in caller as the audit log records them (read it as `request.actor`). */
function actorOf(request: FastifyRequest): AuditActor {
  const auth = signedIn(request);
  return { id: auth.user.id, label: auth.user.email, ip: request.ip ?? null, requestId: request.id };
}
