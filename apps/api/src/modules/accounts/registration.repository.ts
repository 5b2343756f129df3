import type { DbTx, Prisma } from "@medimail/db/client";

/** The public side of accounts: enrolment rules, and the account a mailed link opens. */
export function createRegistrationRepository(db: DbTx) {
  return {
    enrolmentRules: () => db.enrolmentRule.findMany(),

    /** The structure a sign-up goes to, with whom to tell: its chosen addresses, else its administrators. */
    enrolmentStructure: (id: string) =>
      db.structure.findUniqueOrThrow({
        where: { id },
        select: {
          id: true,
          name: true,
          adminNotificationEmails: true,
          administrators: { select: { account: { select: { email: true } } } },
        },
      }),

    /** What greets a link's holder, and what their password must not be made of. */
    holder: (accountId: string) =>
      db.account.findUniqueOrThrow({
        where: { id: accountId },
        select: { email: true, firstName: true, lastName: true, state: true },
      }),

    async update(accountId: string, data: Prisma.AccountUpdateInput): Promise<void> {
      await db.account.update({ where: { id: accountId }, data });
    },

    /** Ends every open session of the account. */
    async revokeSessions(accountId: string, now: Date): Promise<void> {
      await db.session.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: now } });
    },
  };
}
export type RegistrationRepository = ReturnType<typeof createRegistrationRepository>;
