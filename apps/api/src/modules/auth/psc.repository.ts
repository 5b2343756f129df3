import type { DbTx, Prisma } from "@medimail/db/client";

/** Pro Santé Connect's data: its pending authorizations (login challenges) and the accounts' linked identities. */
export function createPscRepository(db: DbTx) {
  return {
    async createChallenge(data: {
      id: string;
      psc: Prisma.InputJsonValue;
      linkToAccountId: string | null;
      returnTo: string | null;
      ip: string | null;
      expiresAt: Date;
    }): Promise<void> {
      await db.loginChallenge.create({ data: { ...data, method: "PSC" } });
    },

    findChallenge: (id: string) => db.loginChallenge.findUnique({ where: { id } }),

    /** Uses up an open PSC challenge; answers whether this call did. */
    async consumeChallenge(id: string, at: Date): Promise<boolean> {
      const consumed = await db.loginChallenge.updateMany({
        where: { id, method: "PSC", consumedAt: null, expiresAt: { gt: at } },
        data: { consumedAt: at },
      });
      return consumed.count === 1;
    },

    findAccountBySubject: (subject: string) =>
      db.account.findUnique({ where: { pscSubject: subject }, select: { id: true, email: true } }),

    link: (accountId: string, subject: string) =>
      db.account.update({
        where: { id: accountId },
        data: { pscSubject: subject },
        select: { email: true, structureId: true },
      }),

    findLink: (accountId: string) =>
      db.account.findUniqueOrThrow({ where: { id: accountId }, select: { pscSubject: true, structureId: true } }),

    async unlink(accountId: string): Promise<void> {
      await db.account.update({ where: { id: accountId }, data: { pscSubject: null } });
    },
  };
}
