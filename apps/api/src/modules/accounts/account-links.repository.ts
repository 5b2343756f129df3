import type { DbTx } from "@medimail/db/client";

/** What hangs off an account beside its profile: its delegations, and its settings in the ORG/APP mailboxes. */
export function createAccountLinksRepository(db: DbTx) {
  return {
    /** Adds a delegation; null when the delegate already was one. */
    async addDelegation(accountId: string, delegateId: string) {
      const inserted = await db.delegation.createMany({ data: [{ accountId, delegateId }], skipDuplicates: true });
      if (inserted.count === 0) return null;
      return db.delegation.findUniqueOrThrow({ where: { accountId_delegateId: { accountId, delegateId } } });
    },

    findDelegation: (accountId: string, delegationId: string) =>
      db.delegation.findFirst({
        where: { id: delegationId, accountId },
        include: { delegate: { select: { email: true } } },
      }),

    async removeDelegation(delegationId: string): Promise<void> {
      await db.delegation.delete({ where: { id: delegationId } });
    },

    findConnection: (mailboxId: string, accountId: string) =>
      db.connectionAccount.findUnique({ where: { mailboxId_accountId: { mailboxId, accountId } } }),

    /** The account has no default mailbox any more. */
    async clearDefaultMailbox(accountId: string): Promise<void> {
      await db.connectionAccount.updateMany({ where: { accountId, isDefault: true }, data: { isDefault: false } });
    },

    async updateConnection(
      mailboxId: string,
      accountId: string,
      data: { isDefault: boolean; receptionNotification: boolean },
    ): Promise<void> {
      await db.connectionAccount.update({ where: { mailboxId_accountId: { mailboxId, accountId } }, data });
    },
  };
}
export type AccountLinksRepository = ReturnType<typeof createAccountLinksRepository>;
