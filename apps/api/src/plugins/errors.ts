import type { ErrorEnvelope } from "@medimail/contracts/common";
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError } from "../lib/errors.ts";

/** One error handler for the whole API: every error leaves as {statusCode, code, message, details?, requestId}. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const envelope = toEnvelope(error, request.id);
    if (envelope.statusCode === 429 && !(error instanceof AppError)) {
      // the rate limiter's answer: say when to retry (its Retry-After, in seconds)
      const seconds = Math.max(1, Math.ceil(Number(reply.getHeader("retry-after")) || 60));
      envelope.message = `Trop de tentatives depuis votre poste : réessayez dans ${seconds} seconde${seconds > 1 ? "s" : ""}.`;
      // a browser navigation (Pro Santé Connect's start) gets the sign-in page with that message, not JSON
      if (request.method === "GET" && request.headers.accept?.includes("text/html")) {
        return reply.redirect(`/connexion?erreur=trop-de-tentatives&dans=${seconds}`, 303);
      }
    }
    if (envelope.statusCode >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ code: envelope.code, statusCode: envelope.statusCode }, envelope.message);
    return reply.status(envelope.statusCode).send(envelope);
  });

  app.setNotFoundHandler((request, reply) => {
    const envelope: ErrorEnvelope = {
      statusCode: 404,
      code: "NOT_FOUND",
      message: `Aucune route ${request.method} ${request.url.split("?")[0]}`,
      requestId: request.id,
    };
    return reply.status(404).send(envelope);
  });
}

function toEnvelope(error: FastifyError, requestId: string): ErrorEnvelope {
  if (error instanceof AppError) {
    return {
      statusCode: error.statusCode,
      code: error.code,
      message: error.message,
      details: error.details,
      requestId,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return {
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "Certaines valeurs sont invalides",
      details: error.validation.map((issue) => ({
        path: [error.validationContext, ...String(issue.instancePath).split("/").filter(Boolean)].join("."),
        message: issue.message ?? "valeur invalide",
      })),
      requestId,
    };
  }
  if (isResponseSerializationError(error)) {
    return { statusCode: 500, code: "INTERNAL_ERROR", message: "Erreur interne", requestId };
  }
  const statusCode = error.statusCode ?? 500;
  if (statusCode === 429) {
    return { statusCode, code: "RATE_LIMITED", message: "Trop de requêtes, réessayez plus tard", requestId };
  }
  if (statusCode === 415) {
    return {
      statusCode,
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Type de contenu non accepté : envoyez du JSON (application/json).",
      requestId,
    };
  }
  if (statusCode === 503) {
    return { statusCode, code: "SERVICE_UNAVAILABLE", message: "Service momentanément indisponible", requestId };
  }
  if (statusCode >= 400 && statusCode < 500) {
    // Fastify's own client errors (bad JSON, body too large, unsupported media type…): safe to show.
    return {
      statusCode,
      code: statusCode === 404 ? "NOT_FOUND" : "VALIDATION_FAILED",
      message: error.message,
      requestId,
    };
  }
  return { statusCode: 500, code: "INTERNAL_ERROR", message: "Erreur interne", requestId };
}
