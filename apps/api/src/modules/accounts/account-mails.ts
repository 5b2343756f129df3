import type { MailToSend } from "../mail/outbox.repository.ts";
import { LINK_VALIDITY_HOURS } from "./account-tokens.ts";

// The mails the accounts module sends, in French. Each has an idempotency key naming the event that causes it,
// so a retried request never mails twice.

export interface Holder {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export const signature = "\n\n--\nMedimail — messagerie sécurisée de santé\nCe message est envoyé automatiquement.";

export function preRegistrationMail(
  holder: Holder,
  link: string,
  structureName: string,
  eventId: string,
  reminder: boolean,
): MailToSend {
  return {
    idempotencyKey: `${reminder ? "reminder" : "pre-registration"}:${eventId}`,
    to: [holder.email],
    subject: reminder
      ? "Rappel : finalisez votre inscription à Medimail"
      : "Votre compte Medimail a été créé : finalisez votre inscription",
    text:
      `Bonjour ${holder.firstName} ${holder.lastName},\n\n` +
      `L'administrateur de ${structureName} a créé votre compte Medimail (${holder.email}).\n` +
      `Pour finaliser votre inscription, choisissez votre mot de passe en suivant ce lien (valable ${LINK_VALIDITY_HOURS.REGISTRATION / 24} jours, utilisable une fois) :\n\n${link}\n` +
      `Passé ce délai, demandez un nouveau lien à l'administrateur de votre structure.\n` +
      signature,
  };
}

export function accountValidatedMail(holder: Holder, eventId: string): MailToSend {
  return {
    idempotencyKey: `validated:${eventId}`,
    to: [holder.email],
    subject: "Votre compte Medimail est validé",
    text:
      `Bonjour ${holder.firstName} ${holder.lastName},\n\n` +
      `Votre inscription à Medimail a été validée par l'administrateur de votre structure. ` +
      `Vous pouvez vous connecter avec ${holder.email}.` +
      signature,
  };
}

export function passwordResetMail(holder: Holder, link: string, eventId: string): MailToSend {
  return {
    idempotencyKey: `password-reset:${eventId}`,
    to: [holder.email],
    subject: "Réinitialisation de votre mot de passe Medimail",
    text:
      `Bonjour ${holder.firstName} ${holder.lastName},\n\n` +
      `Une réinitialisation de votre mot de passe Medimail a été demandée par l'administrateur de votre structure.\n` +
      `Choisissez un nouveau mot de passe en suivant ce lien (valable ${LINK_VALIDITY_HOURS.PASSWORD_RESET} heures, utilisable une fois) :\n\n${link}\n\n` +
      `Si vous n'êtes pas à l'origine de cette demande, contactez votre administrateur.` +
      signature,
  };
}

export function registrationToValidateMail(
  admins: string[],
  holder: Holder,
  structureName: string,
  link: string,
): MailToSend {
  return {
    idempotencyKey: `registration-to-validate:${holder.id}`,
    to: admins,
    subject: `Medimail : une inscription est à valider pour ${structureName}`,
    text:
      `Bonjour,\n\n${holder.firstName} ${holder.lastName} (${holder.email}) s'est inscrit à Medimail ` +
      `et a été rattaché à ${structureName} par l'enrôlement automatique.\n` +
      `Son compte est dans l'onglet « Utilisateurs à valider » :\n\n${link}\n` +
      signature,
  };
}

export function registrationWithExistingAddressMail(email: string, eventId: string): MailToSend {
  return {
    idempotencyKey: `registration-existing:${eventId}`,
    to: [email],
    subject: "Tentative d'inscription à Medimail avec votre adresse",
    text:
      `Bonjour,\n\nUne inscription à Medimail vient d'être demandée avec votre adresse ${email}, ` +
      `qui a déjà un compte. Si c'était vous, connectez-vous ou demandez une réinitialisation de mot de passe ` +
      `à l'administrateur de votre structure. Sinon, ignorez ce message.` +
      signature,
  };
}
