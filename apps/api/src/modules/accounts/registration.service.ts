import type { SelfRegistrationRequest } from "@medimail/contracts/accounts";
import type { Db } from "@medimail/db/client";
import { initialState, transition } from "@medimail/domain/account-states";
import { classifyNationalId } from "@medimail/domain/account-types";
import { chooseEnrolment } from "@medimail/domain/enrolment";
import { hashPassword } from "@medimail/domain/password";
import { weakPasswordReason } from "@medimail/domain/password-strength";
import { accountSearchText, accountSortName } from "@medimail/domain/text";
import type { z } from "zod";
import { isUniqueViolation } from "../../lib/database-errors.ts";
import { AppError, validationFailed } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import type { DeliverMailSoon } from "../mail/outbox.jobs.ts";
import { queueMail } from "../mail/outbox.repository.ts";
import { registrationToValidateMail, registrationWithExistingAddressMail } from "./account-mails.ts";
import { consumeLinkToken, findLinkToken } from "./account-tokens.ts";

type Registration = z.output<typeof SelfRegistrationRequest>;

const LINK_REFUSALS = {
  unknown: "Ce lien n'est pas valide : vérifiez qu'il est complet, ou demandez-en un nouveau à votre administrateur.",
  expired: "Ce lien a expiré : demandez-en un nouveau à votre administrateur.",
  used: "Ce lien a déjà servi : connectez-vous, ou demandez un nouveau lien à votre administrateur.",
} as const;

/** A common or guessable password, or one made of the holder's own name or address, is refused on its field. */
function requireStrongPassword(password: string, holder: { email: string; firstName: string; lastName: string }) {
  const reason = weakPasswordReason(password, [holder.email.split("@")[0] ?? "", holder.firstName, holder.lastName]);
  if (reason) throw validationFailed("Mot de passe refusé", [{ path: "body.password", message: reason }]);
}

/** The public side of accounts: the sign-up form and the single-use links mailed to holders. */
export function createRegistrationService({
  db,
  deliverMailSoon,
  publicUrl,
}: {
  db: Db;
  deliverMailSoon: DeliverMailSoon;
  publicUrl: string;
}) {
  return {
    /**
     * "S'inscrire": the auto-enrolment rules choose the structure; the account waits "à valider" and the
     * administrators of that very structure (or the addresses it chose for these notices) are told by mail.
     * An address that already has an account gets the same answer (no enumeration) and its holder a notice.
     */
    async register(input: Registration, actor: AuditActor): Promise<{ structureName: string }> {
      requireStrongPassword(input.password, input);
      const rules = await db.enrolmentRule.findMany();
      const structureId = chooseEnrolment(rules, input);
      if (!structureId) {
        throw new AppError(
          422,
          "VALIDATION_FAILED",
          "Aucune structure n'accueille automatiquement les inscriptions correspondant à votre profil : contactez l'administrateur Medimail de votre établissement pour qu'il crée votre compte.",
        );
      }
      const structure = await db.structure.findUniqueOrThrow({
        where: { id: structureId },
        select: {
          id: true,
          name: true,
          adminNotificationEmails: true,
          administrators: { select: { account: { select: { email: true } } } },
        },
      });
      const passwordHash = await hashPassword(input.password);
      await db
        .$transaction(async (tx) => {
          const existing = await tx.account.findUnique({ where: { email: input.email }, select: { id: true } });
          if (existing) {
            await queueMail(tx, registrationWithExistingAddressMail(input.email, `${existing.id}:${Date.now()}`));
            return;
          }
          const kind = classifyNationalId(input.nationalId);
          const type = kind ? "PER" : "MED";
          const account = await tx.account.create({
            data: {
              structureId,
              type,
              state: initialState(type, "SELF_REGISTRATION"),
              email: input.email,
              lastName: input.lastName,
              firstName: input.firstName,
              profession: input.profession,
              regionCode: input.regionCode,
              postcode: input.postcode,
              city: input.city,
              rpps: kind === "RPPS" ? input.nationalId : null,
              adeli: kind === "ADELI" ? input.nationalId : null,
              passwordHash,
              sortName: accountSortName(input),
              searchText: accountSearchText({
                ...input,
                rpps: kind === "RPPS" ? input.nationalId : null,
                adeli: kind === "ADELI" ? input.nationalId : null,
              }),
            },
          });
          const admins =
            structure.adminNotificationEmails.length > 0
              ? structure.adminNotificationEmails
              : structure.administrators.map((admin) => admin.account.email);
          if (admins.length > 0) {
            const link = `${publicUrl}/structures/${structureId}/utilisateurs?etat=PENDING_VALIDATION`;
            await queueMail(tx, registrationToValidateMail(admins, account, structure.name, link));
          }
          await recordAudit(
            tx,
            { ...actor, id: account.id, label: account.email },
            {
              action: "account.self-registered",
              entityType: "account",
              entityId: account.id,
              structureId,
              after: { type, email: account.email, lastName: account.lastName, firstName: account.firstName },
            },
          );
        })
        .catch((error: unknown) => {
          // the same address registered twice at once: the unique index keeps one account, both get the same answer
          if (!isUniqueViolation(error)) throw error;
        });
      deliverMailSoon();
      return { structureName: structure.name };
    },

    /** What a mailed link is for, to greet its holder before they choose a password. */
    async linkInfo(token: string) {
      const link = await findLinkToken(db, token, new Date());
      if (!link.ok) return { valid: false as const, message: LINK_REFUSALS[link.reason] };
      const account = await db.account.findUniqueOrThrow({
        where: { id: link.accountId },
        select: { email: true, firstName: true, lastName: true, state: true },
      });
      // the same refusal as when the password is sent: a rejected account chooses no password
      if (account.state === "REJECTED") return { valid: false as const, message: LINK_REFUSALS.unknown };
      return {
        valid: true as const,
        purpose: link.purpose,
        email: account.email,
        name: `${account.firstName} ${account.lastName}`,
      };
    },

    /** Sets the password through a link, once; a registration link also finishes the registration. */
    async setPassword(token: string, password: string, actor: AuditActor) {
      const now = new Date();
      const link = await findLinkToken(db, token, now);
      if (!link.ok) throw validationFailed(LINK_REFUSALS[link.reason]);
      requireStrongPassword(
        password,
        await db.account.findUniqueOrThrow({
          where: { id: link.accountId },
          select: { email: true, firstName: true, lastName: true },
        }),
      );
      const passwordHash = await hashPassword(password);
      await db.$transaction(async (tx) => {
        if (!(await consumeLinkToken(tx, link, now))) throw validationFailed(LINK_REFUSALS.used);
        const account = await tx.account.findUniqueOrThrow({ where: { id: link.accountId } });
        if (account.state === "REJECTED") throw validationFailed(LINK_REFUSALS.unknown);
        const completes = link.purpose === "REGISTRATION" && account.state === "PREREGISTERED";
        const next = completes ? transition(account, "complete-registration") : null;
        await tx.account.update({
          where: { id: account.id },
          data: {
            passwordHash,
            // the holder's own link proves the mailbox: any lock ends with it
            failedLoginCount: 0,
            lockedAt: null,
            lockedUntil: null,
            lockCount: 0,
            ...(next?.ok ? { state: next.next.state, previousState: null, version: { increment: 1 } } : {}),
          },
        });
        // a new password ends every open session: whoever knew the old one is signed out
        await tx.session.updateMany({ where: { accountId: account.id, revokedAt: null }, data: { revokedAt: now } });
        await recordAudit(
          tx,
          { ...actor, id: account.id, label: account.email },
          {
            action: completes ? "account.registration-completed" : "account.password-set",
            entityType: "account",
            entityId: account.id,
            structureId: account.structureId,
          },
        );
      });
    },
  };
}
export type RegistrationService = ReturnType<typeof createRegistrationService>;
