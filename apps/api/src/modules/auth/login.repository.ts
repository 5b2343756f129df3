import type { LoginMethod } from "@medimail/contracts/auth";
import type { DbTx } from "@medimail/db/client";

/** What sign-in reads of an account: its state, its password, its lock, its second factor, its console rights. */
export const accountForLogin = {
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  state: true,
  structureId: true,
  passwordHash: true,
  platformRole: true,
  lockedAt: true,
  lockedUntil: true,
  totpEnabledAt: true,
  failedLoginCount: true,
  administeredStructures: { select: { structureId: true } },
  supportGrants: { select: { structureId: true } },
} as const;

/** The account row as locked while a wrong password is counted. */
export interface PasswordFailureRow {
  email: string;
  firstName: string;
  structureId: string;
  failures: number;
  lockCount: number;
  lockedUntil: Date | null;
}

/** Sign-in's data: accounts by address, login challenges, the password failure counters, ended sessions. */
export function createLoginRepository(db: DbTx) {
  return {
    findAccount: (email: string) => db.account.findUnique({ where: { email }, select: accountForLogin }),

    async createChallenge(data: {
      id: string;
      accountId: string | null;
      method: LoginMethod;
      codeHash: string | null;
      returnTo: string | null;
      ip: string | null;
      expiresAt: Date;
    }): Promise<void> {
      await db.loginChallenge.create({ data });
    },

    /** Ends a session still open; answers whether it was. */
    async revokeSession(sessionId: string, at: Date): Promise<boolean> {
      const revoked = await db.session.updateMany({
        where: { id: sessionId, revokedAt: null },
        data: { revokedAt: at },
      });
      return revoked.count === 1;
    },

    /** The account's failure counters, its row locked until the transaction ends (concurrent failures queue). */
    async lockForPasswordFailure(accountId: string): Promise<PasswordFailureRow | undefined> {
      const [row] = await db.$queryRaw<PasswordFailureRow[]>`
        SELECT email, first_name AS "firstName", structure_id AS "structureId", failed_login_count AS failures,
               lock_count AS "lockCount", locked_until AS "lockedUntil"
          FROM account WHERE id = ${accountId}::uuid FOR UPDATE`;
      return row;
    },

    async setFailedLoginCount(accountId: string, failedLoginCount: number): Promise<void> {
      await db.account.update({ where: { id: accountId }, data: { failedLoginCount } });
    },

    async lockAccount(accountId: string, lock: { lockCount: number; lockedUntil: Date }): Promise<void> {
      await db.account.update({ where: { id: accountId }, data: { failedLoginCount: 0, ...lock } });
    },

    async resetPasswordFailures(accountId: string): Promise<void> {
      await db.account.update({ where: { id: accountId }, data: { failedLoginCount: 0, lockCount: 0 } });
    },

    /**
     * Counts one try of a challenge's code, if the challenge is still open, not a PSC one and under `maxAttempts`:
     * the tries so far, or undefined.
     */
    async countCodeAttempt(challengeId: string, now: Date, maxAttempts: number): Promise<number | undefined> {
      const [counted] = await db.$queryRaw<{ attempts: number }[]>`
        UPDATE login_challenge SET attempts = attempts + 1
         WHERE id = ${challengeId} AND consumed_at IS NULL AND expires_at > ${now}
           AND attempts < ${maxAttempts} AND method <> 'PSC'
        RETURNING attempts`;
      return counted?.attempts;
    },

    findChallengeWithAccount: (challengeId: string) =>
      db.loginChallenge.findUniqueOrThrow({
        where: { id: challengeId },
        include: { account: { select: accountForLogin } },
      }),

    /** Marks a challenge used; answers whether this call did (it was still open). */
    async consumeChallenge(challengeId: string, at: Date): Promise<boolean> {
      const consumed = await db.loginChallenge.updateMany({
        where: { id: challengeId, consumedAt: null },
        data: { consumedAt: at },
      });
      return consumed.count === 1;
    },
  };
}
