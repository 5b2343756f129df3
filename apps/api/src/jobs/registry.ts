import os from "node:os";
import path from "node:path";
import { ACCOUNTS_JOB_NAMES, createAccountsJobDefinitions } from "../modules/accounts/accounts.jobs.ts";
import { ACTIVITY_JOB_NAMES, createActivityJobDefinitions } from "../modules/activity/activity.jobs.ts";
import { AUTH_JOB_NAMES, createAuthJobDefinitions } from "../modules/auth/auth.jobs.ts";
import { createDirectoryJobDefinitions, DIRECTORY_JOB_NAMES } from "../modules/directory/directory.jobs.ts";
import type { DirectoryPublisher } from "../modules/directory/directory-publisher.ts";
import { createFhirFilePublisher } from "../modules/directory/fhir-file-publisher.ts";
import {
  createDirectoryVisibilityJobDefinitions,
  DIRECTORY_VISIBILITY_JOB_NAMES,
} from "../modules/directory-visibility/directory-visibility.jobs.ts";
import type { ExtractionSource } from "../modules/directory-visibility/extraction-download.ts";
import {
  createEmailChangesJobDefinitions,
  EMAIL_CHANGES_JOB_NAMES,
} from "../modules/email-changes/email-changes.jobs.ts";
import { createImportsJobDefinitions, IMPORTS_JOB_NAMES } from "../modules/imports/imports.jobs.ts";
import type { Mailer } from "../modules/mail/mailer.ts";
import { createOutboxJobDefinitions, OUTBOX_JOB_NAMES } from "../modules/mail/outbox.jobs.ts";
import { createMssanteJobDefinitions, MSSANTE_JOB_NAMES } from "../modules/mssante/mssante.jobs.ts";
import type { JobDefinition } from "./job-definition.ts";

/**
 * Every job's name, for the infrastructure's own tests. Features name their jobs in their `<feature>.jobs.ts` and
 * never import this file (registry.test.ts checks it): the registry depends on the features, not the reverse.
 */
export const JOB_NAMES = {
  ...EMAIL_CHANGES_JOB_NAMES,
  ...ACCOUNTS_JOB_NAMES,
  ...OUTBOX_JOB_NAMES,
  ...AUTH_JOB_NAMES,
  ...DIRECTORY_JOB_NAMES,
  ...MSSANTE_JOB_NAMES,
  ...IMPORTS_JOB_NAMES,
  ...ACTIVITY_JOB_NAMES,
  ...DIRECTORY_VISIBILITY_JOB_NAMES,
} as const;

/** Every background job, its schedule (Europe/Paris) and its handler: the features' definitions, collected. */
export function createJobDefinitions({
  mailer,
  mailDomain,
  publicUrl = "http://localhost:3000",
  directoryPublisher = createFhirFilePublisher(path.join(os.tmpdir(), "medimail-directory-feed")),
  importBatchRows,
  exportsDir,
  exportRetentionHours,
  extractionSource = null,
}: {
  mailer: Mailer;
  mailDomain: string;
  /** rows per transaction of an import's apply (IMPORT_BATCH_SIZE) */
  importBatchRows: number;
  /** the console's address, for links in mails written by jobs */
  publicUrl?: string;
  /** where the nightly publication sends the directory's changes (default: FHIR files in the system's temp folder) */
  directoryPublisher?: DirectoryPublisher;
  /** folder of the activity export files */
  exportsDir: string;
  /** how long an activity export file is kept (EXPORT_RETENTION_HOURS) */
  exportRetentionHours: number;
  /** where the national extraction is downloaded from (DIRECTORY_EXTRACTION_URL; null: uploaded by operators) */
  extractionSource?: ExtractionSource | null;
}): JobDefinition[] {
  return [
    ...createEmailChangesJobDefinitions(),
    ...createAccountsJobDefinitions(),
    ...createDirectoryJobDefinitions({ publisher: directoryPublisher }),
    ...createDirectoryVisibilityJobDefinitions({ extractionSource }),
    ...createAuthJobDefinitions(),
    ...createMssanteJobDefinitions(),
    ...createOutboxJobDefinitions({ mailer, domain: mailDomain }),
    ...createImportsJobDefinitions({ publicUrl, batchRows: importBatchRows }),
    ...createActivityJobDefinitions({ exportsDir, retentionHours: exportRetentionHours }),
  ];
}
