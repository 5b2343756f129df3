import type { Readable } from "node:stream";
import { IdParams } from "@medimail/contracts/common";
import {
  ApplyImportRequest,
  IMPORT_LIMITS,
  ImportErrorsPage,
  ImportErrorsQuery,
  ImportParams,
  ImportSummary,
  UploadImportQuery,
} from "@medimail/contracts/imports";
import type { FastifyError, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { errorResponses } from "../../lib/route-schema.ts";
import { signedIn } from "../auth/auth.hooks.ts";
import { fileTooLarge, type ImportsService } from "./imports.service.ts";
import { readBody } from "./imports-body.ts";

const errors = errorResponses(400, 401, 403, 404, 409, 413, 415);
const tags = ["accounts"];

/**
 * "Importer une liste d'utilisateurs". The file is the raw request body (application/octet-stream, its name in
 * the query): no multipart form, so the API keeps accepting only JSON and, here alone, raw bytes — the CSRF header
 * is required as for every change. The body limit (20 MB) is this route's only.
 */
export const importsRoutes: FastifyPluginAsyncZod<{ service: ImportsService }> = async (app, { service }) => {
  // in this plugin only: raw bytes as a Buffer, within the file limit, copied a megabyte at a time
  app.addContentTypeParser("application/octet-stream", async (request: FastifyRequest, payload: Readable) =>
    readBody(request, payload, IMPORT_LIMITS.fileBytes),
  );
  // Fastify's own refusals of the body, in French (the parent handler writes the envelope)
  app.setErrorHandler((error: FastifyError, _request, _reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") throw fileTooLarge();
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      throw new AppError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Envoyez le fichier tel quel dans le corps de la requête (Content-Type: application/octet-stream).",
      );
    }
    throw error;
  });

  app.post(
    "/structures/:id/imports",
    {
      bodyLimit: IMPORT_LIMITS.fileBytes,
      schema: {
        tags,
        summary:
          "Déposer un fichier d'utilisateurs (CSV ou XLSX, corps brut application/octet-stream) et l'analyser sans rien modifier",
        params: IdParams,
        querystring: UploadImportQuery,
        response: { 201: ImportSummary, ...errors },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          "Envoyez le fichier tel quel dans le corps de la requête (Content-Type: application/octet-stream).",
        );
      }
      const auth = signedIn(request);
      const summary = await service.upload(
        auth.principal,
        request.params.id,
        request.query.fileName,
        request.body,
        auth.user.id,
      );
      return reply.code(201).send(summary);
    },
  );

  app.get(
    "/structures/:id/imports/:importId",
    {
      schema: {
        tags,
        summary: "État d'un import : analyse, progression de l'application, résultat",
        params: ImportParams,
        response: { 200: ImportSummary, ...errors },
      },
    },
    async (request) => service.get(request.principal, request.params.id, request.params.importId),
  );

  app.get(
    "/structures/:id/imports/:importId/errors",
    {
      schema: {
        tags,
        summary: "Lignes rejetées d'un import (par l'analyse, ou à l'application avec atApply=true), paginées",
        params: ImportParams,
        querystring: ImportErrorsQuery,
        response: { 200: ImportErrorsPage, ...errors },
      },
    },
    async (request) => service.errors(request.principal, request.params.id, request.params.importId, request.query),
  );

  app.get(
    "/structures/:id/imports/:importId/errors.csv",
    {
      schema: {
        tags,
        summary: "Fichier des erreurs (CSV : ligne, colonne, valeur, motif) — toutes les lignes rejetées",
        params: ImportParams,
        querystring: z.object({ atApply: ImportErrorsQuery.shape.atApply }),
        response: errors,
      },
    },
    async (request, reply) => {
      const file = await service.errorFile(
        request.principal,
        request.params.id,
        request.params.importId,
        request.query.atApply ?? false,
      );
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="${file.fileName.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        )
        .send(file.stream as never); // a stream is sent as is, never serialised
    },
  );

  app.post(
    "/structures/:id/imports/:importId/apply",
    {
      schema: {
        tags,
        summary: "Appliquer l'import analysé (en tâche de fond ; suivre la progression par GET)",
        params: ImportParams,
        body: ApplyImportRequest,
        response: { 202: ImportSummary, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await service.apply(
            request.principal,
            request.params.id,
            request.params.importId,
            request.body.notifyUsers,
            request.actor,
          ),
        ),
  );
};
