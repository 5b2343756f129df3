import type { LoginMethod, LoginNextStep } from "@medimail/contracts/auth";
import type { Db, DbTx } from "@medimail/db/client";
import { hasConsoleAccess } from "@medimail/domain/access";
import { hashPassword, verifyPassword } from "@medimail/domain/password";
import { AppError } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.ts";
import type { DeliverMailSoon } from "../mail/mail-trigger.ts";
import { queueMail } from "../mail/outbox.ts";
import {
  type AuthSettings,
  CODE_MAILS_PER_QUARTER,
  CODE_MAX_ATTEMPTS,
  CODE_VALIDITY_MINUTES,
  PASSWORD_TRIES_PER_ADDRESS,
} from "./auth-settings.ts";
import { incrementCounter, readCounter } from "./rate-limit-store.ts";
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

const accountForLogin = {
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  state: true,
  structureId: true,
  passwordHash: true,
  platformRole: true,
  lockedAt: true,
  totpEnabledAt: true,
  failedLoginCount: true,
  administeredStructures: { select: { structureId: true } },
  supportGrants: { select: { structureId: true } },
} as const;

type LoginAccount = NonNullable<Awaited<ReturnType<ReturnType<typeof findAccount>>>>;
function findAccount(db: DbTx) {
  return (email: string) => db.account.findUnique({ where: { email }, select: accountForLogin });
}

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

  async function createChallenge(
    tx: DbTx,
    options: { accountId: string | null; method: LoginMethod; returnTo?: string; ip: string | null; code?: string },
  ): Promise<string> {
    const token = randomToken();
    const id = hashToken(token);
    await tx.loginChallenge.create({
      data: {
        id,
        accountId: options.accountId,
        method: options.method,
        codeHash: options.code ? codeDigest(id, options.code) : null,
        returnTo: options.returnTo ?? null,
        ip: options.ip,
        expiresAt: new Date(now().getTime() + CODE_VALIDITY_MINUTES * 60_000),
      },
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
      await tx.session.updateMany({
        where: { id: hashToken(options.previousSessionToken), revokedAt: null },
        data: { revokedAt: at },
      });
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

  return {
    /** Step 1 of "email + password": on success, the second factor (emailed code, or the authenticator app). */
    async withPassword(
      input: { email: string; password: string; returnTo?: string },
      origin: RequestOrigin,
    ): Promise<ChallengeStarted> {
      // Wrong passwords per address (known or not, so the answer tells nothing), on top of the per-IP limit: slows
      // a distributed guessing of one account before the lockout, and spares the password hashing.
      const failuresKey = `password-failures:${input.email}`;
      if ((await readCounter(db, failuresKey)) >= PASSWORD_TRIES_PER_ADDRESS) {
        throw new AppError(
          429,
          "RATE_LIMITED",
          "Trop de tentatives pour cette adresse : réessayez dans un quart d'heure.",
        );
      }
      const account = await findAccount(db)(input.email);
      const passwordOk = await verifyPassword(input.password, account?.passwordHash ?? (await dummyHash));
      if (!account || !passwordOk || !mayEnter(account)) {
        await incrementCounter(db, failuresKey, 15 * 60_000);
        await db.$transaction(async (tx) => {
          if (account && !passwordOk && account.lockedAt === null) {
            const failures = account.failedLoginCount + 1;
            const locks = failures >= settings.accountLockThreshold;
            await tx.account.update({
              where: { id: account.id },
              data: { failedLoginCount: { increment: 1 }, ...(locks ? { lockedAt: now() } : {}) },
            });
            if (locks) {
              await recordAudit(tx, actorFor(input.email, origin), {
                action: "auth.account-locked",
                entityType: "account",
                entityId: account.id,
                structureId: account.structureId,
                after: { failedLoginCount: failures },
              });
            }
          }
          await recordAudit(tx, actorFor(input.email, origin), {
            action: "auth.login-failed",
            entityType: "account",
            entityId: account?.id ?? null,
            structureId: account?.structureId ?? null,
            after: { step: "password" },
          });
        });
        throw invalidCredentials();
      }

      const method: LoginMethod = account.totpEnabledAt ? "PASSWORD_TOTP" : "PASSWORD_EMAIL_CODE";
      const code = method === "PASSWORD_EMAIL_CODE" ? randomSixDigitCode() : undefined;
      const challengeToken = await db.$transaction(async (tx) => {
        await tx.account.update({ where: { id: account.id }, data: { failedLoginCount: 0 } });
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
     * "S'identifier avec un code à usage unique": always answers that a code was sent. Only a console user
     * without an authenticator app gets one (with the app, the mail says to sign in with the password).
     */
    async withEmailCode(input: { email: string; returnTo?: string }, origin: RequestOrigin): Promise<ChallengeStarted> {
      const account = await findAccount(db)(input.email);
      const { count } = await incrementCounter(db, `code-mail:${input.email}`, 15 * 60_000);
      const withinMailLimit = count <= CODE_MAILS_PER_QUARTER;
      const eligible = account !== null && mayEnter(account) && withinMailLimit;
      const usesCode = eligible && account.totpEnabledAt === null;
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
            text: `Bonjour ${account.firstName},\n\nUne connexion par code reçu par e-mail a été demandée pour votre compte. Votre compte est protégé par une application d'authentification : connectez-vous avec votre mot de passe puis le code de l'application.\n`,
          });
        }
        return token;
      });
      if (eligible) deliverMailSoon();
      return { challengeToken, next: "EMAIL_CODE", expiresInSeconds: CODE_VALIDITY_MINUTES * 60 };
    },

    /**
     * Step 2: the code of this sign-in (bound to its cookie). Five wrong tries invalidate it. On success the
     * challenge is consumed and a new session opens (any session the browser had is ended: new id).
     */
    async verifyCode(
      input: { challengeToken: string | undefined; code: string; previousSessionToken: string | undefined },
      origin: RequestOrigin,
    ): Promise<SessionOpened> {
      if (!input.challengeToken) throw loginExpired();
      const challengeId = hashToken(input.challengeToken);
      // Count the try before checking it: concurrent guesses cannot exceed the limit.
      const [counted] = await db.$queryRaw<{ attempts: number }[]>`
        UPDATE login_challenge SET attempts = attempts + 1
         WHERE id = ${challengeId} AND consumed_at IS NULL AND expires_at > ${now()}
           AND attempts < ${CODE_MAX_ATTEMPTS} AND method <> 'PSC'
        RETURNING attempts`;
      if (!counted) throw loginExpired();
      const challenge = await db.loginChallenge.findUniqueOrThrow({
        where: { id: challengeId },
        include: { account: { select: accountForLogin } },
      });
      const account = challenge.account;
      const code = input.code.replace(/\s/g, "").toLowerCase();

      let method: LoginMethod = challenge.method;
      let accepted = false;
      let recoveryCodeId: string | null = null;
      if (challenge.method === "PASSWORD_TOTP" && account) {
        if (/^\d{6}$/.test(code)) accepted = await verifyTotp(db, account.id, code, now(), settings.secrets);
        else {
          recoveryCodeId = await verifyRecoveryCode(db, account.id, code, now(), settings.secrets);
          accepted = recoveryCodeId !== null;
          method = "PASSWORD_RECOVERY_CODE";
        }
      } else if (challenge.codeHash && account) {
        accepted = /^\d{6}$/.test(code) && safeEqual(codeDigest(challengeId, code), challenge.codeHash);
      }

      if (!accepted || !account || !mayEnter(account)) {
        const remaining = CODE_MAX_ATTEMPTS - counted.attempts;
        await db.$transaction(async (tx) => {
          if (remaining === 0) {
            await tx.loginChallenge.updateMany({
              where: { id: challengeId, consumedAt: null },
              data: { consumedAt: now() },
            });
          }
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
        const consumed = await tx.loginChallenge.updateMany({
          where: { id: challengeId, consumedAt: null },
          data: { consumedAt: now() },
        });
        if (consumed.count !== 1) throw loginExpired();
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
        const revoked = await tx.session.updateMany({
          where: { id: hashToken(sessionToken), revokedAt: null },
          data: { revokedAt: now() },
        });
        if (revoked.count === 1) {
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
