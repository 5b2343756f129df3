import { IdParams } from "@medimail/contracts/common";
import {
  EXTRACTION_MAX_BYTES,
  NationalExtractionStatus,
  UploadExtractionQuery,
  VisibilityQuery,
  VisibilityReport,
} from "@medimail/contracts/directory-visibility";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError } from "../../lib/errors.ts";
import { errorResponses } from "../../lib/route-schema.ts";
import { requirePlatform } from "../../lib/scope.ts";
import type { DirectoryVisibilityService } from "./directory-visibility.service.ts";
import { limitedText } from "./extraction-upload.ts";

const errors = errorResponses(400, 401, 403, 404, 409, 413, 415);
const tags = ["annuaire"];
const rawBodyRequired = () =>
  new AppError(
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    "Envoyez le fichier tel quel dans le corps de la requête (Content-Type: application/octet-stream).",
  );

/**
 * "Vérifier la visibilité dans l'annuaire national": the operator's upload of the ANS's extraction, its state and
 * the comparison for the whole platform (operators, support in reading), and each structure's comparison.
 */
export const directoryVisibilityRoutes: FastifyPluginAsyncZod<{ service: DirectoryVisibilityService }> = async (
  app,
  { service },
) => {
  // in this plugin only: the raw body as a stream, read as it arrives (the extraction is about 89 MB)
  app.addContentTypeParser("application/octet-stream", (_request, payload, done) => done(null, payload));

  app.post(
    "/directory/national-extraction",
    {
      schema: {
        tags,
        summary:
          "Importer l'extraction nationale Extraction_Correspondance_MSSante (corps brut application/octet-stream) et la comparer aux adresses de nos domaines",
        querystring: UploadExtractionQuery,
        response: { 201: NationalExtractionStatus, ...errors },
      },
    },
    async (request, reply) => {
      requirePlatform(request.principal, "directory.extraction");
      const body = request.body as NodeJS.ReadableStream | undefined;
      if (!body || typeof (body as { pipe?: unknown }).pipe !== "function") throw rawBodyRequired();
      await service.upload({
        chunks: limitedText(body, EXTRACTION_MAX_BYTES),
        fileName: request.query.fileName ?? null,
        requestedById: request.actor.id,
      });
      return reply.code(201).send(await service.platformStatus());
    },
  );

  app.get(
    "/directory/national-extraction",
    {
      schema: {
        tags,
        summary: "La dernière extraction nationale importée et la comparaison de toutes les adresses de nos domaines",
        response: { 200: NationalExtractionStatus, ...errors },
      },
    },
    async (request) => {
      requirePlatform(request.principal, "jobs.read");
      return service.platformStatus();
    },
  );

  app.get(
    "/structures/:id/directory-visibility",
    {
      schema: {
        tags,
        summary:
          "Visibilité dans l'annuaire national des adresses de la structure (et de ses filles) : comptes et écarts",
        params: IdParams,
        querystring: VisibilityQuery,
        response: { 200: VisibilityReport, ...errors },
      },
    },
    async (request) => service.structureReport(request.principal, request.params.id, request.query.daughters ?? false),
  );
};
