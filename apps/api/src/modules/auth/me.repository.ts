import type { DbTx } from "@medimail/db/client";

/** "Mon compte"'s data: the caller's account and second factor, their sessions and the factor failures counted there. */
export function createMeRepository(db: DbTx) {
  return {
    findAccount: (accountId: string) =>
      db.account.findUniqueOrThrow({
        where: { id: accountId },
        select: { email: true, structureId: true, totpSecret: true, totpEnabledAt: true, passwordHash: true },
      }),

    findSession: (sessionId: string) =>
      db.session.findUnique({ where: { id: sessionId }, select: { createdAt: true, reauthenticatedAt: true } }),

    /** Counts a factor try against a session still open: the failures so far, or undefined when it is ended. */
    async countFactorFailure(sessionId: string): Promise<number | undefined> {
      const [counted] = await db.$queryRaw<{ failures: number }[]>`
        UPDATE session SET factor_failures = factor_failures + 1
         WHERE id = ${sessionId} AND revoked_at IS NULL
        RETURNING factor_failures AS failures`;
      return counted?.failures;
    },

    async resetFactorFailures(sessionId: string): Promise<void> {
      await db.session.update({ where: { id: sessionId }, data: { factorFailures: 0 } });
    },

    async markReauthenticated(sessionId: string, at: Date): Promise<void> {
      await db.session.update({ where: { id: sessionId }, data: { reauthenticatedAt: at } });
    },

    /** Ends sessions of an account still open (`except` one of them, or `only` one); answers how many. */
    async endSessions(
      accountId: string | null,
      at: Date,
      which: { only: string } | { except: string },
    ): Promise<number> {
      const ended = await db.session.updateMany({
        where: {
          ...(accountId ? { accountId } : {}),
          revokedAt: null,
          id: "only" in which ? which.only : { not: which.except },
        },
        data: { revokedAt: at },
      });
      return ended.count;
    },

    /** A secret to confirm: stored sealed, pending until a first code turns it on. */
    async setPendingTotpSecret(accountId: string, sealedSecret: string): Promise<void> {
      await db.account.update({ where: { id: accountId }, data: { totpSecret: sealedSecret, totpLastTimeStep: null } });
    },

    async enableTotp(accountId: string, at: Date): Promise<void> {
      await db.account.update({ where: { id: accountId }, data: { totpEnabledAt: at } });
    },

    /** Back to codes by e-mail: the secret and the recovery codes go. */
    async disableTotp(accountId: string): Promise<void> {
      await db.account.update({
        where: { id: accountId },
        data: { totpSecret: null, totpEnabledAt: null, totpLastTimeStep: null },
      });
      await db.recoveryCode.deleteMany({ where: { accountId } });
    },

    /** The account's sessions neither ended, nor expired, nor idle since `idleSince`; the most recently used first. */
    openSessions: (accountId: string, at: Date, idleSince: Date) =>
      db.session.findMany({
        where: { accountId, revokedAt: null, expiresAt: { gt: at }, lastSeenAt: { gt: idleSince } },
        orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
        select: { id: true, method: true, createdAt: true, lastSeenAt: true, ip: true, userAgent: true },
        take: 100,
      }),
  };
}
