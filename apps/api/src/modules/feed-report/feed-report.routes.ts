import { IdParams } from "@medimail/contracts/common";
import { FeedReport, FeedReportQuery } from "@medimail/contracts/feed-report";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sendDownload } from "../../lib/download.ts";
import { errorResponses } from "../../lib/route-schema.ts";
import { feedReportPdf, feedReportXlsx } from "./feed-report.exports.ts";
import type { FeedReportService } from "./feed-report.service.ts";

const errors = errorResponses(400, 401, 403, 404);
const tags = ["mssante"];

/** "Rapport d'alimentation" of a structure (`?daughters=true`: with its daughters), and its XLSX and PDF exports. */
export const feedReportRoutes: FastifyPluginAsyncZod<{ service: FeedReportService }> = async (app, { service }) => {
  app.get(
    "/structures/:id/feed-report",
    {
      schema: {
        tags,
        summary:
          "Rapport d'alimentation : les erreurs bloquantes et warnings de l'annuaire MSSanté pour chaque adresse de la structure (et de ses filles)",
        params: IdParams,
        querystring: FeedReportQuery,
        response: { 200: FeedReport, ...errors },
      },
    },
    async (request) => service.report(request.principal, request.params.id, request.query.daughters ?? false),
  );

  for (const format of ["xlsx", "pdf"] as const) {
    app.get(
      `/structures/:id/feed-report.${format}`,
      {
        schema: {
          tags,
          summary: `Exporter le rapport d'alimentation au format ${format.toUpperCase()}`,
          params: IdParams,
          querystring: FeedReportQuery,
          response: errors,
        },
      },
      async (request, reply) => {
        const evaluation = await service.evaluate(
          request.principal,
          request.params.id,
          request.query.daughters ?? false,
        );
        return sendDownload(request, reply, format === "pdf" ? feedReportPdf(evaluation) : feedReportXlsx(evaluation));
      },
    );
  }
};
