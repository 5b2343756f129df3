import { z } from "zod";
import { PageCursor, pageOf, SearchText } from "./common.ts";

/** Every action the audit log records, with its label in the console. */
export const auditActionLabels = {
  "auth.login": "Connexion",
  "auth.login-failed": "Échec de connexion",
  "auth.logout": "Déconnexion",
  "auth.code-locked": "Code à usage unique invalidé après trop d'essais",
  "auth.account-locked": "Compte verrouillé après trop d'échecs",
  "auth.account-unlocked": "Compte déverrouillé",
  "auth.rate-limited": "Trop de tentatives (limite de fréquence)",
  "auth.totp-enabled": "Application d'authentification activée",
  "auth.totp-disabled": "Application d'authentification désactivée",
  "auth.recovery-codes-renewed": "Codes de secours renouvelés",
  "auth.recovery-code-used": "Code de secours utilisé",
  "auth.psc-linked": "Identité Pro Santé Connect liée",
  "auth.psc-unlinked": "Identité Pro Santé Connect déliée",
  "auth.factor-failed": "Code ou mot de passe incorrect dans « Mon compte »",
  "auth.reauthenticated": "Identité confirmée avant une modification sensible",
  "auth.session-ended": "Session terminée (par l'utilisateur, ou après trop de saisies incorrectes)",
  "jobs.run-requested": "Tâche lancée manuellement",
  "structure.created": "Structure créée",
  "structure.moved": "Structure rattachée à une autre structure mère",
  "structure.identity-updated": "Identité de la structure modifiée",
  "structure.mssante-updated": "Paramètres MSSanté de la structure modifiés",
  "structure.location-updated": "Localisation de la structure modifiée",
  "structure.notifications-updated": "Notifications de la structure modifiées",
  "structure.office365-updated": "Quota Office 365 modifié",
  "structure.enrolment-rule-added": "Règle d'enrôlement automatique ajoutée",
  "structure.enrolment-rule-removed": "Règle d'enrôlement automatique supprimée",
  "structure.admin-added": "Administrateur ajouté",
  "structure.admin-removed": "Administrateur retiré",
  "account.inactivity-notice": "Avis d'inactivité envoyé",
  "account.deleted-inactive": "Compte supprimé pour inactivité",
  "account.definitively-rejected": "Compte rejeté supprimé définitivement",
  "account.email-changed": "Changement d'adresse e-mail appliqué",
  "account.created": "Compte créé",
  "account.self-registered": "Inscription en ligne",
  "account.updated": "Compte modifié",
  "account.type-changed": "Type de BAL changé",
  "account.validated": "Compte validé",
  "account.rejected": "Compte rejeté",
  "account.rehabilitated": "Compte réhabilité",
  "account.reminded": "Utilisateur relancé",
  "account.reminded-all": "Utilisateurs préinscrits relancés",
  "account.registration-completed": "Inscription finalisée",
  "account.structure-changed": "Compte rattaché à une autre structure",
  "account.email-change-requested": "Changement d'adresse e-mail demandé",
  "account.email-change-edited": "Demande de changement d'adresse e-mail modifiée",
  "account.email-change-cancelled": "Demande de changement d'adresse e-mail supprimée",
  "account.password-reset-requested": "Réinitialisation du mot de passe demandée",
  "account.password-set": "Mot de passe défini par lien",
  "account.delegate-added": "Délégation ajoutée",
  "account.delegate-removed": "Délégation supprimée",
  "account.linked-mailbox-updated": "Compte par défaut / notification de réception modifiés",
  "mss.address-created": "Correspondance MSSanté créée",
  "mss.address-updated": "Correspondance MSSanté modifiée",
  "mss.address-deleted": "Correspondance MSSanté supprimée",
  "mss.activation-requested": "Activation de tous les utilisateurs compatibles demandée",
  "mss.activation-done": "Activation de tous les utilisateurs compatibles terminée",
  "activity.export-requested": "Export de l'activité demandé",
  "account.import-requested": "Import d'utilisateurs confirmé",
  "account.import-applied": "Import d'utilisateurs terminé",
} as const;
export type AuditAction = keyof typeof auditActionLabels;
export const AuditAction = z.enum(Object.keys(auditActionLabels) as [AuditAction, ...AuditAction[]]);

export const AuditQuery = z
  .object({
    /** events of this structure and its descendants */
    structureId: z.uuid({ error: "Structure invalide" }).optional(),
    /** part of the actor's email or name */
    actor: SearchText(254).optional(),
    action: SearchText(100).optional(),
    from: z.iso.date({ error: "Date invalide (AAAA-MM-JJ)" }).optional(),
    to: z.iso.date({ error: "Date invalide (AAAA-MM-JJ)" }).optional(),
    /** the id of the last event of the previous page */
    cursor: PageCursor.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    path: ["to"],
    error: "La date de fin précède la date de début",
  });
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEventView = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  structureId: z.string().nullable(),
  structureName: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type AuditEventView = z.infer<typeof AuditEventView>;

export const AuditPage = pageOf(AuditEventView);
export type AuditPage = z.infer<typeof AuditPage>;
