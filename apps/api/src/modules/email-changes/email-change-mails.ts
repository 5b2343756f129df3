import { type Holder, signature } from "../accounts/account-mails.ts";
import type { MailToSend } from "../mail/outbox.repository.ts";

// The mails of an email change, in French. Each has an idempotency key naming the event that causes it, so a
// retried request or job never mails twice.

/**
 * To the address an email change will replace: the change is announced before the night applies it, with a link
 * that cancels it (a takeover changes the address first, then resets the password through the new one).
 */
export function emailChangeRequestedMail(
  holder: Holder,
  change: { newEmail: string; cancelLink: string },
  eventId: string,
): MailToSend {
  return {
    idempotencyKey: `email-change-requested:${eventId}`,
    to: [holder.email],
    subject: "Changement de votre identifiant Medimail demandé",
    text:
      `Bonjour ${holder.firstName} ${holder.lastName},\n\n` +
      `Un administrateur a demandé que votre identifiant de connexion Medimail ${holder.email} soit remplacé par ` +
      `${change.newEmail}. Le changement sera appliqué la nuit prochaine.\n\n` +
      `Si vous n'êtes pas à l'origine de cette demande, annulez-la en suivant ce lien (utilisable une fois, tant que ` +
      `le changement n'est pas appliqué), puis prévenez l'administrateur de votre structure :\n\n${change.cancelLink}\n` +
      signature,
  };
}

/** To the former address, once the nightly job has applied the change. */
export function emailChangedMail(holder: Holder, change: { oldEmail: string; newEmail: string }, eventId: string) {
  return {
    idempotencyKey: `email-change-applied-old:${eventId}`,
    to: [change.oldEmail],
    subject: "Votre identifiant Medimail a changé",
    text:
      `Bonjour ${holder.firstName} ${holder.lastName},\n\n` +
      `Votre identifiant de connexion Medimail n'est plus ${change.oldEmail} : il est désormais ${change.newEmail}.\n` +
      `Si vous n'êtes pas à l'origine de ce changement, contactez sans attendre l'administrateur de votre structure.` +
      signature,
  } satisfies MailToSend;
}

/** To the new address, once the nightly job has applied the change. */
export function emailChangeAppliedMail(
  holder: { firstName: string; lastName: string },
  change: { oldEmail: string; newEmail: string },
  eventId: string,
): MailToSend {
  return {
    idempotencyKey: `email-change-applied:${eventId}`,
    to: [change.newEmail],
    subject: "Votre identifiant Medimail a changé",
    text: `Bonjour ${holder.firstName} ${holder.lastName},\n\nVotre identifiant de connexion Medimail est désormais ${change.newEmail} (auparavant ${change.oldEmail}).\nSi vous n'êtes pas à l'origine de cette demande, contactez l'administrateur de votre structure.\n`,
  };
}
