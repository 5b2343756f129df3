import type { LoginMethod, LoginNextStep } from "@medimail/contracts/auth";
import type { Db, DbTx } from "@medimail/db/client";
import { hasConsoleAccess } from "@medimail/domain/access";
import { hashPassword, verifyPassword } from "@medimail/domain/password";
import { AppError } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import type { DeliverMailSoon } from "../mail/outbox.jobs.ts";
import { queueMail } from "../mail/outbox.repository.ts";
import {
  type AuthSettings,
  CODE_MAILS_PER_QUARTER,
  CODE_MAX_ATTEMPTS,
  CODE_VALIDITY_MINUTES,
  LOCK_MEMORY_HOURS,
} from "./auth-settings.ts";
import { createLoginRepository } from "./login.repository.ts";
import { createRateLimitRepository } from "./rate-limit.repository.ts";
import { openSession } from "./session.repository.ts";
import { codeDigest, hashToken, randomSixDigitCode, randomToken, safeEqual } from "./tokens.ts";
import { verifyRecoveryCode, verifyTotp } from "./totp.ts";

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

/** A sign-in step that succeeded: the cookie to set (login challenge or session). */
export interface ChallengeStarted extends LoginNextStep {
  challengeToken: string;
}
export interface SessionOpened {
  sessionToken: string;
  csrfToken: string;
  returnTo: string | null;
}

const invalidCredentials = () => new AppError(401, "INVALID_CREDENTIALS", "Adresse e-mail ou mot de passe incorrect.");
const loginExpired = () =>
  new AppError(
    401,
    "LOGIN_EXPIRED",
    "Cette demande de connexion a expiré ou n'existe plus : recommencez la connexion.",
  );

/** A temporary lock: the password step is refused until it ends, whatever the password. */
const lockedOut = (minutesLeft: number) =>
  new AppError(
    429,
    "ACCOUNT_LOCKED",
    `Trop de mots de passe erronés pour cette adresse : la connexion par mot de passe est suspendue pendant encore ${minutesLeft} minute${minutesLeft > 1 ? "s" : ""}. Si vous avez oublié votre mot de passe, demandez un lien de réinitialisation à l'administrateur de votre structure : il lève aussi la suspension.`,
  );

type LoginAccount = NonNullable<Awaited<ReturnType<ReturnType<typeof createLoginRepository>["findAccount"]>>>;
const findAccount = (db: DbTx) => createLoginRepository(db).findAccount;

/** May this account enter the console now? (validated, not locked, operator/administrator/support) */
function mayEnter(account: LoginAccount): boolean {
  return (
    account.state === "VALIDATED" &&
    account.lockedAt === null &&
    hasConsoleAccess({
      accountId: account.id,
      platformRole: account.platformRole,
      administeredStructureIds: account.administeredStructures.map((row) => row.structureId),
      supportStructureIds: account.supportGrants.map((row) => row.structureId),
    })
  );
}

const actorFor = (label: string, origin: RequestOrigin, id: string | null = null): AuditActor => ({
  id,
  label,
  ip: origin.ip,
  requestId: origin.requestId,
});

export function createLoginService({
  db,
  settings,
  deliverMailSoon,
  now = () => new Date(),
}: {
  db: Db;
  settings: AuthSettings;
  deliverMailSoon: DeliverMailSoon;
  now?: () => Date;
}) {
  // Verified against when the email is unknown, so that both answers take the same time.
  const dummyHash = hashPassword(randomToken());
  const counters = createRateLimitRepository(db);

  async function createChallenge(
    tx: DbTx,
    options: { accountId: string | null; method: LoginMethod; returnTo?: string; ip: string | null; code?: string },
  ): Promise<string> {
    const token = randomToken();
    const id = hashToken(token);
    await createLoginRepository(tx).createChallenge({
      id,
      accountId: options.accountId,
      method: options.method,
      codeHash: options.code ? codeDigest(id, options.code) : null,
      returnTo: options.returnTo ?? null,
      ip: options.ip,
      expiresAt: new Date(now().getTime() + CODE_VALIDITY_MINUTES * 60_000),
    });
    return token;
  }

  async function queueCodeMail(tx: DbTx, account: { email: string; firstName: string }, code: string, key: string) {
    await queueMail(tx, {
      idempotencyKey: `login-code:${key}`,
      to: [account.email],
      subject: `Medimail Admin : votre code de connexion ${code}`,
      text: `Bonjour ${account.firstName},\n\nVotre code de connexion à la console Medimail Admin est : ${code}\n\nIl est valable ${CODE_VALIDITY_MINUTES} minutes et ne peut servir qu'une fois.\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message et prévenez votre administrateur.\n`,
    });
  }

  /** Opens the session of a fully authenticated account, ending the browser's previous one, and audits it. */
  async function openSessionFor(
    tx: DbTx,
    options: {
      account: { id: string; email: string; structureId: string };
      method: LoginMethod;
      origin: RequestOrigin;
      previousSessionToken: string | undefined;
    },
  ): Promise<{ sessionToken: string; csrfToken: string }> {
    const at = now();
    if (options.previousSessionToken) {
      await createLoginRepository(tx).revokeSession(hashToken(options.previousSessionToken), at);
    }
    const { token, csrfToken } = await openSession(tx, {
      accountId: options.account.id,
      method: options.method,
      now: at,
      absoluteHours: settings.sessionAbsoluteHours,
      ip: options.origin.ip,
      userAgent: options.origin.userAgent,
    });
    await recordAudit(tx, actorFor(options.account.email, options.origin, options.account.id), {
      action: "auth.login",
      entityType: "account",
      entityId: options.account.id,
      structureId: options.account.structureId,
      after: { method: options.method },
    });
    return { sessionToken: token, csrfToken };
  }

  /** Minutes of the n-th lock in a row (1-based); the last delay repeats. */
  const lockMinutes = (n: number) =>
    settings.accountLockMinutes[Math.min(n, settings.accountLockMinutes.length) - 1] ?? 60;

  /**
   * A wrong password for an account: at the threshold, a temporary lock, longer at each lock in a row (so an
   * attacker can keep nobody out for long, and guesses stay few), audited and told to the holder by mail.
   */
  async function countWrongPassword(tx: DbTx, accountId: string, origin: RequestOrigin) {
    const logins = createLoginRepository(tx);
    // the row lock orders concurrent wrong passwords: one of them locks
    const row = await logins.lockForPasswordFailure(accountId);
    const at = now();
    if (!row || (row.lockedUntil && row.lockedUntil > at)) return;
    const failures = row.failures + 1;
    if (failures < settings.accountLockThreshold) {
      await logins.setFailedLoginCount(accountId, failures);
      return;
    }
    // a run of locks is forgotten a day after the last one ended
    const inRun = row.lockedUntil !== null && at.getTime() - row.lockedUntil.getTime() < LOCK_MEMORY_HOURS * 3_600_000;
    const lockCount = inRun ? row.lockCount + 1 : 1;
    const minutes = lockMinutes(lockCount);
    const lockedUntil = new Date(at.getTime() + minutes * 60_000);
    await logins.lockAccount(accountId, { lockCount, lockedUntil });
    await recordAudit(tx, actorFor(row.email, origin), {
      action: "auth.account-locked",
      entityType: "account",
      entityId: accountId,
      structureId: row.structureId,
      after: { failedLoginCount: failures, lockCount, lockedUntil: lockedUntil.toISOString() },
    });
    await queueMail(tx, {
      idempotencyKey: `account-locked:${accountId}:${lockedUntil.getTime()}`,
      to: [row.email],
      subject: "Medimail Admin : connexion suspendue après des mots de passe erronés",
      text: `Bonjour ${row.firstName},\n\n${failures} mots de passe erronés ont été saisis pour votre compte : la connexion par mot de passe est suspendue pendant ${minutes} minute${minutes > 1 ? "s" : ""}, puis de nouveau possible.\nSi c'était vous et que vous avez oublié votre mot de passe, demandez un lien de réinitialisation à l'administrateur de votre structure : il lève aussi la suspension.\nSinon, quelqu'un essaie de deviner votre mot de passe : il ne l'a pas trouvé, mais prévenez votre administrateur.\n`,
    });
    deliverMailSoon();
  }

  /** The same count and locks for an address without an account, in the shared counters (see withPassword). */
  async function countUnknownAddressFailure(email: string) {
    const { count } = await counters.increment(`password-failures:${email}`, LOCK_MEMORY_HOURS * 3_600_000);
    if (count % settings.accountLockThreshold === 0) {
      await counters.increment(`password-lock:${email}`, lockMinutes(count / settings.accountLockThreshold) * 60_000);
    }
  }

  return {
    /** Step 1 of "email + password": on success, the second factor (emailed code, or the authenticator app). */
    async withPassword(
      input: { email: string; password: string; returnTo?: string },
      origin: RequestOrigin,
    ): Promise<ChallengeStarted> {
      const account = await findAccount(db)(input.email);
      // A temporary lock is checked before the password: guesses during it learn nothing. An unknown address is
      // locked the same way (counters in the database), so that the answer never tells which addresses exist.
      const lockEnd = account
        ? account.lockedUntil && account.lockedUntil > now()
          ? account.lockedUntil
          : null
        : await counters.windowEnd(`password-lock:${input.email}`);
      if (lockEnd) {
        await recordAudit(db, actorFor(input.email, origin), {
          action: "auth.login-failed",
          entityType: "account",
          entityId: account?.id ?? null,
          structureId: account?.structureId ?? null,
          after: { step: "locked", lockedUntil: lockEnd.toISOString() },
        });
        throw lockedOut(Math.max(1, Math.ceil((lockEnd.getTime() - now().getTime()) / 60_000)));
      }
      const passwordOk = await verifyPassword(input.password, account?.passwordHash ?? (await dummyHash));
      if (!account || !passwordOk || !mayEnter(account)) {
        await db.$transaction(async (tx) => {
          if (account && !passwordOk && account.lockedAt === null) await countWrongPassword(tx, account.id, origin);
          await recordAudit(tx, actorFor(input.email, origin), {
            action: "auth.login-failed",
            entityType: "account",
            entityId: account?.id ?? null,
            structureId: account?.structureId ?? null,
            after: { step: "password" },
          });
        });
        if (!account) await countUnknownAddressFailure(input.email);
        throw invalidCredentials();
      }

      const method: LoginMethod = account.totpEnabledAt ? "PASSWORD_TOTP" : "PASSWORD_EMAIL_CODE";
      const code = method === "PASSWORD_EMAIL_CODE" ? randomSixDigitCode() : undefined;
      const challengeToken = await db.$transaction(async (tx) => {
        await createLoginRepository(tx).resetPasswordFailures(account.id);
        const token = await createChallenge(tx, {
          accountId: account.id,
          method,
          returnTo: input.returnTo,
          ip: origin.ip,
          code,
        });
        if (code) await queueCodeMail(tx, account, code, hashToken(token));
        return token;
      });
      if (code) deliverMailSoon();
      return {
        challengeToken,
        next: method === "PASSWORD_TOTP" ? "TOTP" : "EMAIL_CODE",
        expiresInSeconds: CODE_VALIDITY_MINUTES * 60,
      };
    },

    /**
     * "S'identifier avec un code à usage unique": no password, but never the mailbox alone. The mailed code opens the
     * console only together with the code of the account's authenticator app (two factors: the mailbox and the
     * phone). Always answers that a code was sent. A console user without an app gets a notice instead of a code,
     * telling them to sign in with their password.
     */
    async withEmailCode(input: { email: string; returnTo?: string }, origin: RequestOrigin): Promise<ChallengeStarted> {
      const account = await findAccount(db)(input.email);
      const { count } = await counters.increment(`code-mail:${input.email}`, 15 * 60_000);
      const withinMailLimit = count <= CODE_MAILS_PER_QUARTER;
      const eligible = account !== null && mayEnter(account) && withinMailLimit;
      const usesCode = eligible && account.totpEnabledAt !== null;
      const code = randomSixDigitCode();
      const challengeToken = await db.$transaction(async (tx) => {
        const token = await createChallenge(tx, {
          accountId: usesCode ? account.id : null,
          method: "EMAIL_CODE",
          returnTo: input.returnTo,
          ip: origin.ip,
          code,
        });
        if (usesCode) await queueCodeMail(tx, account, code, hashToken(token));
        else if (eligible) {
          await queueMail(tx, {
            idempotencyKey: `login-code-refused:${hashToken(token)}`,
            to: [account.email],
            subject: "Medimail Admin : connexion par code refusée",
            text: `Bonjour ${account.firstName},\n\nUne connexion par code à usage unique a été demandée pour votre compte. Elle demande aussi le code d'une application d'authentification, que votre compte n'a pas : connectez-vous avec votre mot de passe puis le code reçu par e-mail. Vous pouvez activer une application d'authentification dans « Mon compte ».\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n`,
          });
        }
        return token;
      });
      if (eligible) deliverMailSoon();
      return { challengeToken, next: "EMAIL_CODE_AND_TOTP", expiresInSeconds: CODE_VALIDITY_MINUTES * 60 };
    },

    /**
     * Step 2: the code of this sign-in (bound to its cookie). Five wrong tries invalidate it. On success the
     * challenge is consumed and a new session opens (any session the browser had is ended: new id).
     */
    async verifyCode(
      input: {
        challengeToken: string | undefined;
        code: string;
        appCode?: string | undefined;
        previousSessionToken: string | undefined;
      },
      origin: RequestOrigin,
    ): Promise<SessionOpened> {
      if (!input.challengeToken) throw loginExpired();
      const challengeId = hashToken(input.challengeToken);
      // Count the try before checking it: concurrent guesses cannot exceed the limit.
      const attempts = await createLoginRepository(db).countCodeAttempt(challengeId, now(), CODE_MAX_ATTEMPTS);
      if (attempts === undefined) throw loginExpired();
      const counted = { attempts };
      const challenge = await createLoginRepository(db).findChallengeWithAccount(challengeId);
      const account = challenge.account;
      const code = input.code.replace(/\s/g, "").toLowerCase();

      let method: LoginMethod = challenge.method;
      let accepted = false;
      let recoveryCodeId: string | null = null;
      /** The authenticator's code, or else a recovery code (used once). */
      const appCodeAccepted = async (accountId: string, value: string): Promise<boolean> => {
        if (/^\d{6}$/.test(value)) return verifyTotp(db, accountId, value, now(), settings.secrets);
        recoveryCodeId = await verifyRecoveryCode(db, accountId, value, now(), settings.secrets);
        return recoveryCodeId !== null;
      };
      const mailedCodeAccepted = () =>
        challenge.codeHash !== null &&
        /^\d{6}$/.test(code) &&
        safeEqual(codeDigest(challengeId, code), challenge.codeHash);
      if (challenge.method === "PASSWORD_TOTP" && account) {
        accepted = await appCodeAccepted(account.id, code);
        if (recoveryCodeId) method = "PASSWORD_RECOVERY_CODE";
      } else if (challenge.method === "EMAIL_CODE" && account) {
        // the mailbox alone never opens the console: the mailed code, then the app's (only checked, and so spent,
        // when the mailed code is right)
        const appCode = input.appCode?.replace(/\s/g, "").toLowerCase();
        accepted =
          account.totpEnabledAt !== null &&
          appCode !== undefined &&
          mailedCodeAccepted() &&
          (await appCodeAccepted(account.id, appCode));
      } else if (account) {
        accepted = mailedCodeAccepted();
      }

      if (!accepted || !account || !mayEnter(account)) {
        const remaining = CODE_MAX_ATTEMPTS - counted.attempts;
        await db.$transaction(async (tx) => {
          if (remaining === 0) await createLoginRepository(tx).consumeChallenge(challengeId, now());
          await recordAudit(tx, actorFor(account?.email ?? "inconnu", origin), {
            action: remaining === 0 ? "auth.code-locked" : "auth.login-failed",
            entityType: "account",
            entityId: account?.id ?? null,
            structureId: account?.structureId ?? null,
            after: { step: "code", attempts: counted.attempts },
          });
        });
        throw new AppError(
          401,
          "INVALID_CODE",
          remaining === 0
            ? `Code invalidé après ${CODE_MAX_ATTEMPTS} essais : recommencez la connexion.`
            : `Code incorrect. Il vous reste ${remaining} essai${remaining > 1 ? "s" : ""}.`,
        );
      }

      return db.$transaction(async (tx) => {
        if (!(await createLoginRepository(tx).consumeChallenge(challengeId, now()))) throw loginExpired();
        const session = await openSessionFor(tx, {
          account,
          method,
          origin,
          previousSessionToken: input.previousSessionToken,
        });
        if (recoveryCodeId) {
          await recordAudit(tx, actorFor(account.email, origin, account.id), {
            action: "auth.recovery-code-used",
            entityType: "account",
            entityId: account.id,
            structureId: account.structureId,
          });
        }
        return { ...session, returnTo: challenge.returnTo };
      });
    },

    openSessionFor,
    mayEnter,
    findAccount: (email: string) => findAccount(db)(email),

    async logout(sessionToken: string, actor: AuditActor & { structureId: string }): Promise<void> {
      await db.$transaction(async (tx) => {
        if (await createLoginRepository(tx).revokeSession(hashToken(sessionToken), now())) {
          await recordAudit(tx, actor, {
            action: "auth.logout",
            entityType: "account",
            entityId: actor.id,
            structureId: actor.structureId,
          });
        }
      });
    },
  };
}
export type LoginService = ReturnType<typeof createLoginService>;
