import type { JobContext, JobDefinition, JobResult } from "../../jobs/job-definition.ts";
import { createDirectoryVisibilityService } from "./directory-visibility.service.ts";
import { downloadExtraction, type ExtractionSource } from "./extraction-download.ts";

export const DIRECTORY_VISIBILITY_JOB_NAMES = { extractionDownload: "directory.extraction" } as const;

/**
 * Each morning, after the ANS has regenerated its extraction: download it and compare it with our
 * correspondences. Without DIRECTORY_EXTRACTION_URL the job does nothing (operators upload the file instead).
 * Run again after a crash, it imports the file again from the start: the previous import stays current until then.
 */
export function createExtractionDownloadJob(source: ExtractionSource | null) {
  return async ({ db, clock, log }: JobContext): Promise<JobResult> => {
    if (!source) return { processed: 0, failed: 0 };
    const download = await downloadExtraction(source, clock.now());
    const extraction = await createDirectoryVisibilityService({ db }).importExtraction({
      ...download,
      source: "DOWNLOAD",
      requestedById: null,
    });
    log.info({ lines: extraction?.lines, kept: extraction?.kept }, "national extraction imported");
    return { processed: extraction?.kept ?? 0, failed: extraction?.malformed ?? 0 };
  };
}

export function createDirectoryVisibilityJobDefinitions({
  extractionSource,
}: {
  extractionSource: ExtractionSource | null;
}): JobDefinition[] {
  return [
    {
      name: DIRECTORY_VISIBILITY_JOB_NAMES.extractionDownload,
      label: "Extraction de l'annuaire national",
      description:
        "Télécharge l'extraction quotidienne des BAL publiées dans l'annuaire national (DIRECTORY_EXTRACTION_URL) et la compare aux adresses de nos domaines ; sans adresse configurée, les opérateurs la déposent sur la page Annuaire.",
      cron: "30 7 * * *",
      handler: createExtractionDownloadJob(extractionSource),
    },
  ];
}
