import os from "node:os";
import path from "node:path";
import { processInactiveAccounts, purgeDefinitiveRejections } from "../modules/accounts/accounts.jobs.ts";
import { purgeSignInLeftovers } from "../modules/auth/auth.jobs.ts";
import { createDirectoryPublicationJob } from "../modules/directory/directory.jobs.ts";
import type { DirectoryPublisher } from "../modules/directory/directory-publisher.ts";
import { createFhirFilePublisher } from "../modules/directory/fhir-file-publisher.ts";
import { applyEmailChanges } from "../modules/email-changes/email-changes.jobs.ts";
import { createImportsJob } from "../modules/imports/imports.jobs.ts";
import type { Mailer } from "../modules/mail/mailer.ts";
import { createOutboxDeliveryJob } from "../modules/mail/outbox.jobs.ts";
import { runMssActivations } from "../modules/mssante/mssante.jobs.ts";
import type { JobDefinition } from "./job-definition.ts";

export const JOB_NAMES = {
  emailChanges: "email-changes.apply",
  inactivity: "accounts.inactivity",
  definitiveRejection: "accounts.definitive-rejection",
  outbox: "mail.outbox",
  signInCleanup: "auth.cleanup",
  directoryPublication: "directory.publish",
  mssActivations: "mssante.activation",
  imports: "accounts.import",
} as const;

/** Every background job, its schedule (Europe/Paris) and its handler. */
export function createJobDefinitions({
  mailer,
  mailDomain,
  publicUrl = "http://localhost:3000",
  directoryPublisher = createFhirFilePublisher(path.join(os.tmpdir(), "medimail-directory-feed")),
  importBatchRows,
}: {
  mailer: Mailer;
  mailDomain: string;
  /** rows per transaction of an import's apply (IMPORT_BATCH_SIZE) */
  importBatchRows: number;
  /** the console's address, for links in mails written by jobs */
  publicUrl?: string;
  /** where the nightly publication sends the directory's changes (default: FHIR files in the system's temp folder) */
  directoryPublisher?: DirectoryPublisher;
}): JobDefinition[] {
  return [
    {
      name: JOB_NAMES.emailChanges,
      label: "Changements d'adresse e-mail",
      description: "Applique les demandes de changement de mail en attente (identifiant de connexion, annuaire).",
      cron: "0 3 * * *",
      handler: applyEmailChanges,
    },
    {
      name: JOB_NAMES.inactivity,
      label: "Comptes inactifs",
      description:
        "Avertit les comptes inactifs depuis six mois, puis supprime ceux restés inactifs 30 jours après l'avertissement.",
      cron: "30 3 * * *",
      handler: processInactiveAccounts,
    },
    {
      name: JOB_NAMES.definitiveRejection,
      label: "Rejets définitifs",
      description:
        "Purge les données personnelles des comptes rejetés depuis plus d'un an (une trace d'audit est conservée).",
      cron: "0 4 * * *",
      handler: purgeDefinitiveRejections,
    },
    {
      name: JOB_NAMES.directoryPublication,
      label: "Publication dans l'annuaire national",
      description:
        "Publie dans l'annuaire national MSSanté les créations, modifications et suppressions de correspondances du jour ; les adresses en erreur bloquante sont retenues et signalées.",
      // after the night's other account jobs (email changes 03:00, inactivity 03:30, rejections 04:00), so that
      // what they change or delete reaches the directory the same night
      cron: "0 5 * * *",
      handler: createDirectoryPublicationJob({ publisher: directoryPublisher }),
    },
    {
      name: JOB_NAMES.signInCleanup,
      label: "Nettoyage des connexions",
      description:
        "Efface les tentatives de connexion terminées, les compteurs anti-rejeu expirés et les sessions closes depuis 30 jours.",
      cron: "30 4 * * *",
      handler: purgeSignInLeftovers,
    },
    {
      name: JOB_NAMES.mssActivations,
      label: "Activation MSSanté des comptes compatibles",
      description:
        "Crée une correspondance MSSanté pour chaque compte compatible des structures qui l'ont demandé (« Activer tous les utilisateurs compatibles »).",
      // started at once by each request; the quarter-hourly run picks up a request whose start was lost
      cron: "*/15 * * * *",
      handler: runMssActivations,
    },
    {
      name: JOB_NAMES.outbox,
      label: "Envoi des e-mails",
      description: "Envoie les e-mails en attente, avec nouvelles tentatives espacées en cas d'échec du serveur SMTP.",
      cron: "* * * * *",
      handler: createOutboxDeliveryJob({ mailer, domain: mailDomain }),
    },
    {
      name: JOB_NAMES.imports,
      label: "Imports d'utilisateurs",
      description:
        "Applique les imports d'utilisateurs confirmés (par lots, reprise après interruption) ; chaque heure, reprend un import interrompu et efface les fichiers importés depuis plus de 7 jours.",
      cron: "17 * * * *",
      handler: createImportsJob({ publicUrl, batchRows: importBatchRows }),
    },
  ];
}
