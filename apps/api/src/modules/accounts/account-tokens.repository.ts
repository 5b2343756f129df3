import type { DbTx, OneTimeCodePurpose } from "@medimail/db/client";

/** The one-time codes behind the links mailed to holders (see account-tokens.ts for their rules). */
export function createAccountTokensRepository(db: DbTx) {
  return {
    async insert(data: {
      accountId: string;
      purpose: OneTimeCodePurpose;
      codeHash: string;
      expiresAt: Date;
    }): Promise<string> {
      const row = await db.oneTimeCode.create({ data, select: { id: true } });
      return row.id;
    },

    findById: (id: string) => db.oneTimeCode.findUnique({ where: { id } }),

    /** Marks one code used; false when it already was (the guard makes it single-use). */
    async claim(id: string, now: Date): Promise<boolean> {
      const claimed = await db.oneTimeCode.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: now } });
      return claimed.count === 1;
    },

    /** Marks used every open code of these purposes of the account. */
    async consumeOpen(accountId: string, purposes: OneTimeCodePurpose[], now: Date): Promise<void> {
      await db.oneTimeCode.updateMany({
        where: { accountId, purpose: { in: purposes }, consumedAt: null },
        data: { consumedAt: now },
      });
    },
  };
}
export type AccountTokensRepository = ReturnType<typeof createAccountTokensRepository>;
