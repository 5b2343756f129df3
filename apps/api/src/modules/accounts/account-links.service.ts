import type { DelegateSummary } from "@medimail/contracts/accounts";
import type { Db } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import { delegationWarning } from "@medimail/domain/account-types";
import { conflict, notFound, validationFailed } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import { createAccountLinksRepository } from "./account-links.repository.ts";
import { type AccountsRepository, createAccountsRepository } from "./accounts.repository.ts";
import type { AccountsService } from "./accounts.service.ts";

/**
 * What hangs off an account: its delegates and, for an individual account, its settings in the ORG/APP mailboxes
 * it connects to. (Its email change requests are the email-changes module's.)
 */
export function createAccountLinksService({
  db,
  repository,
  accounts,
}: {
  db: Db;
  repository: AccountsRepository;
  accounts: AccountsService;
}) {
  return {
    /** "Ajouter un compte délégué": an existing individual or ORG account receives a copy of every message. */
    async addDelegate(
      principal: Principal,
      accountId: string,
      email: string,
      actor: AuditActor,
    ): Promise<DelegateSummary> {
      const account = await accounts.requireAccount(principal, accountId, "administer");
      const found = await repository.findByEmail(email);
      const fieldError = (message: string) => validationFailed(message, [{ path: "body.email", message }]);
      // delegates are found within the caller's reach only: outside it, an address is answered as one nobody has
      // (no id, name or type of another structure's account, and no link written into it)
      const delegate = found && (await accounts.reachableBy(principal)(found.structureId)) ? found : null;
      if (!delegate) throw fieldError("Aucun compte Medimail de votre périmètre n'a cette adresse");
      if (delegate.id === accountId) throw fieldError("Un compte ne peut pas être son propre délégué");
      if (delegate.type === "APP") throw fieldError("Un compte applicatif (APP) ne peut pas être délégué");
      if (delegate.state === "REJECTED") throw fieldError("Ce compte est rejeté");
      const created = await db.$transaction(async (tx) => {
        const delegation = await createAccountLinksRepository(tx).addDelegation(accountId, delegate.id);
        if (!delegation) throw conflict(`${email} est déjà délégué de ce compte.`);
        await recordAudit(tx, actor, {
          action: "account.delegate-added",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
          after: { delegate: email },
        });
        return delegation;
      });
      return {
        id: created.id,
        accountId: delegate.id,
        email: delegate.email,
        name: `${delegate.firstName} ${delegate.lastName}`,
        type: delegate.type,
        warning: delegationWarning(delegate.type),
      };
    },

    async removeDelegate(principal: Principal, accountId: string, delegationId: string, actor: AuditActor) {
      const account = await accounts.requireAccount(principal, accountId, "administer");
      await db.$transaction(async (tx) => {
        const links = createAccountLinksRepository(tx);
        const delegation = await links.findDelegation(accountId, delegationId);
        if (!delegation) throw notFound("Délégation introuvable");
        await links.removeDelegation(delegationId);
        await recordAudit(tx, actor, {
          action: "account.delegate-removed",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
          before: { delegate: delegation.delegate.email },
        });
      });
    },

    /** "Compte par défaut" (one per account) and "Notif de réception" for an ORG/APP mailbox the account connects to. */
    async updateLinkedMailbox(
      principal: Principal,
      accountId: string,
      mailboxId: string,
      input: { isDefault?: boolean; receptionNotification?: boolean },
      actor: AuditActor,
    ) {
      const account = await accounts.requireAccount(principal, accountId, "administer");
      await db.$transaction(async (tx) => {
        const links = createAccountLinksRepository(tx);
        // one default per account: simultaneous changes for the same account queue on its row
        await createAccountsRepository(tx).lock(accountId);
        const link = await links.findConnection(mailboxId, accountId);
        if (!link) throw notFound("Ce compte n'est pas compte de connexion de cette boîte");
        if (input.isDefault === true) await links.clearDefaultMailbox(accountId);
        const after = {
          isDefault: input.isDefault ?? link.isDefault,
          receptionNotification: input.receptionNotification ?? link.receptionNotification,
        };
        await links.updateConnection(mailboxId, accountId, after);
        await recordAudit(tx, actor, {
          action: "account.linked-mailbox-updated",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
          before: { mailboxId, isDefault: link.isDefault, receptionNotification: link.receptionNotification },
          after: { mailboxId, ...after },
        });
      });
    },
  };
}
export type AccountLinksService = ReturnType<typeof createAccountLinksService>;
