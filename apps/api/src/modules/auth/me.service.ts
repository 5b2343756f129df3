import type { OwnSession } from "@medimail/contracts/auth";
import type { Db } from "@medimail/db/client";
import { verifyPassword } from "@medimail/domain/password";
import QRCode from "qrcode";
import { AppError, conflict, notFound } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import {
  type AuthSettings,
  FACTOR_FAILURES_PER_ACCOUNT_HOUR,
  FACTOR_MAX_FAILURES,
  REAUTH_WINDOW_MINUTES,
} from "./auth-settings.ts";
import { createMeRepository } from "./me.repository.ts";
import { createRateLimitRepository } from "./rate-limit.repository.ts";
import { newTotpSecret, renewRecoveryCodes, sealTotpSecret, totpUri, verifyTotp } from "./totp.ts";

/** The signed-in caller of a "Mon compte" action: which session, which account. */
export interface MeCaller {
  sessionId: string;
  accountId: string;
  actor: AuditActor;
}

const reauthRequired = () =>
  new AppError(
    403,
    "REAUTH_REQUIRED",
    `Pour cette modification, confirmez votre identité (mot de passe ou code de l'application) : votre dernière saisie date de plus de ${REAUTH_WINDOW_MINUTES} minutes.`,
  );
export const sessionEndedForFailures = () =>
  new AppError(
    401,
    "UNAUTHENTICATED",
    "Trop de saisies incorrectes : votre session a été fermée par sécurité. Reconnectez-vous.",
  );

/**
 * "Mon compte": the signed-in user's own second factors (enrol an authenticator app, renew recovery codes, turn
 * it off), re-authentication before sensitive changes, and their open sessions.
 */
export function createMeService({
  db,
  settings,
  now = () => new Date(),
}: {
  db: Db;
  settings: AuthSettings;
  now?: () => Date;
}) {
  const repository = createMeRepository(db);
  const counters = createRateLimitRepository(db);
  const current = (accountId: string) => repository.findAccount(accountId);

  /** Refuses (403 REAUTH_REQUIRED) unless the session was opened or re-authenticated within the window. */
  async function requireRecentAuthentication(sessionId: string) {
    const session = await repository.findSession(sessionId);
    if (!session) throw new AppError(401, "UNAUTHENTICATED", "Votre session a expiré : reconnectez-vous.");
    const last = Math.max(session.createdAt.getTime(), session.reauthenticatedAt?.getTime() ?? 0);
    if (now().getTime() - last > REAUTH_WINDOW_MINUTES * 60_000) throw reauthRequired();
  }

  /**
   * Runs a factor check (an authenticator code, a password) counted against the session: the try is counted
   * before it is checked, so concurrent guesses cannot exceed the limit; a right one resets the count. At
   * FACTOR_MAX_FAILURES wrong ones in the session, or FACTOR_FAILURES_PER_ACCOUNT_HOUR for the account across
   * its sessions, the session ends (401) and the audit log says why.
   */
  async function guardFactor(
    caller: MeCaller,
    structureId: string,
    check: () => Promise<boolean>,
    wrong: (remaining: number) => AppError,
  ): Promise<void> {
    const failures = await repository.countFactorFailure(caller.sessionId);
    const counted = failures === undefined ? undefined : { failures };
    const accountKey = `factor-failures:${caller.accountId}`;
    const overLimit = !counted || counted.failures > FACTOR_MAX_FAILURES;
    if (overLimit || (await counters.read(accountKey)) >= FACTOR_FAILURES_PER_ACCOUNT_HOUR) {
      await endSession(caller, structureId, counted?.failures ?? null);
      throw sessionEndedForFailures();
    }
    if (await check()) {
      await repository.resetFactorFailures(caller.sessionId);
      return;
    }
    const { count: accountFailures } = await counters.increment(accountKey, 3_600_000);
    const remaining = FACTOR_MAX_FAILURES - counted.failures;
    if (remaining <= 0 || accountFailures >= FACTOR_FAILURES_PER_ACCOUNT_HOUR) {
      await endSession(caller, structureId, counted.failures);
      throw sessionEndedForFailures();
    }
    await recordAudit(db, caller.actor, {
      action: "auth.factor-failed",
      entityType: "account",
      entityId: caller.accountId,
      structureId,
      after: { failures: counted.failures },
    });
    throw wrong(remaining);
  }

  async function endSession(caller: MeCaller, structureId: string, failures: number | null) {
    await db.$transaction(async (tx) => {
      const ended = await createMeRepository(tx).endSessions(null, now(), { only: caller.sessionId });
      if (ended === 1) {
        await recordAudit(tx, caller.actor, {
          action: "auth.session-ended",
          entityType: "account",
          entityId: caller.accountId,
          structureId,
          after: { reason: "factor-failures", failures },
        });
      }
    });
  }

  const remainingText = (remaining: number) =>
    `Il vous reste ${remaining} essai${remaining > 1 ? "s" : ""} avant la fermeture de votre session.`;
  const wrongCode = (remaining: number) =>
    new AppError(
      400,
      "INVALID_CODE",
      `Code incorrect : vérifiez l'heure de votre téléphone et réessayez. ${remainingText(remaining)}`,
    );
  const wrongPassword = (remaining: number) =>
    new AppError(400, "INVALID_CREDENTIALS", `Mot de passe incorrect. ${remainingText(remaining)}`);

  const checkCode = (caller: MeCaller, structureId: string, code: string) =>
    guardFactor(caller, structureId, () => verifyTotp(db, caller.accountId, code, now(), settings.secrets), wrongCode);

  return {
    /**
     * Re-entering the password or the app's code: sensitive changes are allowed for REAUTH_WINDOW_MINUTES.
     * Wrong entries count like wrong codes.
     */
    async reauthenticate(caller: MeCaller, input: { password?: string; code?: string }) {
      const account = await current(caller.accountId);
      if (input.code !== undefined) {
        if (!account.totpEnabledAt) throw conflict("Aucune application d'authentification n'est activée.");
        await checkCode(caller, account.structureId, input.code);
      } else {
        const hash = account.passwordHash;
        if (!hash) {
          throw conflict(
            "Votre compte n'a pas de mot de passe : déconnectez-vous puis reconnectez-vous pour confirmer votre identité.",
          );
        }
        await guardFactor(caller, account.structureId, () => verifyPassword(input.password ?? "", hash), wrongPassword);
      }
      await db.$transaction(async (tx) => {
        await createMeRepository(tx).markReauthenticated(caller.sessionId, now());
        await recordAudit(tx, caller.actor, {
          action: "auth.reauthenticated",
          entityType: "account",
          entityId: caller.accountId,
          structureId: account.structureId,
          after: { with: input.code !== undefined ? "totp" : "password" },
        });
      });
    },

    requireRecentAuthentication,

    /** A new secret to scan (kept pending until a first code confirms it); refused while an app is enrolled. */
    async startTotp(caller: MeCaller) {
      await requireRecentAuthentication(caller.sessionId);
      const account = await current(caller.accountId);
      if (account.totpEnabledAt) throw conflict("Une application d'authentification est déjà activée.");
      const secret = newTotpSecret();
      await repository.setPendingTotpSecret(caller.accountId, sealTotpSecret(settings.secrets, secret));
      const otpauthUrl = totpUri(secret, account.email);
      const qrSvg = await QRCode.toString(otpauthUrl, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
      return { secret, otpauthUrl, qrSvg };
    },

    /** The first code from the app turns it on and gives the recovery codes (shown once). */
    async confirmTotp(caller: MeCaller, code: string) {
      await requireRecentAuthentication(caller.sessionId);
      const account = await current(caller.accountId);
      if (account.totpEnabledAt) throw conflict("Une application d'authentification est déjà activée.");
      if (!account.totpSecret) throw conflict("Commencez par afficher le QR code.");
      await checkCode(caller, account.structureId, code);
      return db.$transaction(async (tx) => {
        await createMeRepository(tx).enableTotp(caller.accountId, now());
        const recoveryCodes = await renewRecoveryCodes(tx, caller.accountId, settings.secrets);
        await recordAudit(tx, caller.actor, {
          action: "auth.totp-enabled",
          entityType: "account",
          entityId: caller.accountId,
          structureId: account.structureId,
        });
        return { recoveryCodes };
      });
    },

    /** New recovery codes, on a recent re-authentication and a current code from the app (the old ones stop working). */
    async renewRecoveryCodes(caller: MeCaller, code: string) {
      await requireRecentAuthentication(caller.sessionId);
      const account = await current(caller.accountId);
      if (!account.totpEnabledAt) throw conflict("Aucune application d'authentification n'est activée.");
      await checkCode(caller, account.structureId, code);
      return db.$transaction(async (tx) => {
        const recoveryCodes = await renewRecoveryCodes(tx, caller.accountId, settings.secrets);
        await recordAudit(tx, caller.actor, {
          action: "auth.recovery-codes-renewed",
          entityType: "account",
          entityId: caller.accountId,
          structureId: account.structureId,
        });
        return { recoveryCodes };
      });
    },

    /** Back to codes by e-mail, on a current code from the app. */
    async disableTotp(caller: MeCaller, code: string) {
      const account = await current(caller.accountId);
      if (!account.totpEnabledAt) throw conflict("Aucune application d'authentification n'est activée.");
      await checkCode(caller, account.structureId, code);
      await db.$transaction(async (tx) => {
        await createMeRepository(tx).disableTotp(caller.accountId);
        await recordAudit(tx, caller.actor, {
          action: "auth.totp-disabled",
          entityType: "account",
          entityId: caller.accountId,
          structureId: account.structureId,
        });
      });
    },

    /** The caller's open sessions (not ended, not expired, not idle too long), the most recently used first. */
    async listSessions(caller: MeCaller): Promise<OwnSession[]> {
      const at = now();
      const rows = await repository.openSessions(
        caller.accountId,
        at,
        new Date(at.getTime() - settings.sessionIdleMinutes * 60_000),
      );
      return rows.map((row) => ({
        ...row,
        createdAt: row.createdAt.toISOString(),
        lastSeenAt: row.lastSeenAt.toISOString(),
        current: row.id === caller.sessionId,
      }));
    },

    /** Ends one of the caller's other sessions; another user's (or an ended) session does not exist here (404). */
    async endSession(caller: MeCaller, sessionId: string) {
      if (sessionId === caller.sessionId) {
        throw conflict("Pour terminer cette session-ci, utilisez « Se déconnecter ».");
      }
      const structureId = (await current(caller.accountId)).structureId;
      await db.$transaction(async (tx) => {
        const ended = await createMeRepository(tx).endSessions(caller.accountId, now(), { only: sessionId });
        if (ended !== 1) throw notFound("Cette session n'existe pas ou est déjà terminée.");
        await recordAudit(tx, caller.actor, {
          action: "auth.session-ended",
          entityType: "account",
          entityId: caller.accountId,
          structureId,
          after: { reason: "ended-by-user", sessions: 1 },
        });
      });
    },

    /** Ends every session of the caller but this one. */
    async endOtherSessions(caller: MeCaller): Promise<{ ended: number }> {
      const structureId = (await current(caller.accountId)).structureId;
      return db.$transaction(async (tx) => {
        const ended = await createMeRepository(tx).endSessions(caller.accountId, now(), { except: caller.sessionId });
        if (ended > 0) {
          await recordAudit(tx, caller.actor, {
            action: "auth.session-ended",
            entityType: "account",
            entityId: caller.accountId,
            structureId,
            after: { reason: "ended-by-user", sessions: ended },
          });
        }
        return { ended };
      });
    },
  };
}
export type MeService = ReturnType<typeof createMeService>;
