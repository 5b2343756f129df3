import type { DbTx } from "@medimail/db/client";

/** The second factor's data: the authenticator seeds (sealed), their last accepted time step, the recovery codes. */
export function createTotpRepository(db: DbTx) {
  return {
    /** Rewrites a seed, unless it changed since it was read. */
    async rewriteSecret(accountId: string, stored: string, sealed: string): Promise<void> {
      await db.account.updateMany({ where: { id: accountId, totpSecret: stored }, data: { totpSecret: sealed } });
    },

    findSecret: (accountId: string) =>
      db.account.findUnique({ where: { id: accountId }, select: { totpSecret: true, totpLastTimeStep: true } }),

    /** Records an accepted time step unless it (or a later one) already was: whether this call recorded it. */
    async recordTimeStep(accountId: string, timeStep: number): Promise<boolean> {
      const recorded = await db.$executeRaw`
        UPDATE account SET totp_last_time_step = ${timeStep}
         WHERE id = ${accountId}::uuid AND (totp_last_time_step IS NULL OR totp_last_time_step < ${timeStep})`;
      return recorded === 1;
    },

    /** The account's recovery codes replaced by these digests. */
    async replaceRecoveryCodes(accountId: string, codeHashes: string[]): Promise<void> {
      await db.recoveryCode.deleteMany({ where: { accountId } });
      await db.recoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ accountId, codeHash })) });
    },

    findUnusedRecoveryCode: (accountId: string, codeHashes: string[]) =>
      db.recoveryCode.findFirst({
        where: { accountId, codeHash: { in: codeHashes }, usedAt: null },
        select: { id: true },
      }),

    /** Marks a recovery code used, unless it already was: whether this call did. */
    async useRecoveryCode(id: string, at: Date): Promise<boolean> {
      const used = await db.recoveryCode.updateMany({ where: { id, usedAt: null }, data: { usedAt: at } });
      return used.count === 1;
    },

    /** Accounts whose seed is not sealed under the key of this prefix. */
    secretsNotUnder: (prefix: string) =>
      db.account.findMany({
        where: { totpSecret: { not: null }, NOT: { totpSecret: { startsWith: prefix } } },
        select: { id: true, totpSecret: true },
      }),

    /** Unused recovery codes whose digest is not keyed under the key of this prefix. */
    countRecoveryCodesNotUnder: (prefix: string) =>
      db.recoveryCode.count({ where: { usedAt: null, NOT: { codeHash: { startsWith: prefix } } } }),
  };
}
