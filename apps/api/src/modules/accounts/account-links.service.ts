import { randomUUID } from "node:crypto";
import type { DelegateSummary, EmailChangeRequestSummary } from "@medimail/contracts/accounts";
import type { Db, DbTx } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import { delegationWarning } from "@medimail/domain/account-types";
import { z } from "zod";
import { cursorParts, keysetCursor } from "../../lib/cursor.ts";
import { conflict, notFound, validationFailed } from "../../lib/errors.ts";
import type { Scope } from "../../lib/scope.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import { hashToken, randomToken, safeEqual } from "../auth/tokens.ts";
import type { DeliverMailSoon } from "../mail/outbox.jobs.ts";
import { queueMail } from "../mail/outbox.repository.ts";
import { emailChangeRequestedMail } from "./account-mails.ts";
import type { AccountsRepository } from "./accounts.repository.ts";
import type { AccountsService } from "./accounts.service.ts";

const REQUEST_NOT_FOUND = "Demande de changement introuvable";
const CANCEL_LINK_INVALID =
  "Ce lien d'annulation n'est plus valable : le changement a déjà été appliqué ou annulé, ou le lien est incomplet.";
/** newest first: (requested at, id) of the previous page's last request */
const emailChangesCursor = keysetCursor(z.tuple([cursorParts.instant, cursorParts.id]));

/**
 * What hangs off an account: its email change requests (applied at night), its delegates, and, for an individual
 * account, its settings in the ORG/APP mailboxes it connects to.
 */
export function createAccountLinksService({
  db,
  scope,
  repository,
  accounts,
  deliverMailSoon,
  publicUrl,
}: {
  db: Db;
  scope: Scope;
  repository: AccountsRepository;
  accounts: AccountsService;
  deliverMailSoon: DeliverMailSoon;
  /** the console's address, for the cancel link */
  publicUrl: string;
}) {
  const cancelLink = (token: string) => `${publicUrl}/changement-adresse/annuler?jeton=${encodeURIComponent(token)}`;

  /**
   * A fresh cancel link for a pending request, mailed to the address it would replace (in the caller's
   * transaction, through the outbox). Only the secret's hash is kept; a new link replaces the previous one.
   */
  async function announceToOldAddress(
    tx: DbTx,
    request: { id: string; newEmail: string },
    holder: { id: string; email: string; firstName: string; lastName: string },
    eventId: string,
  ) {
    const secret = randomToken();
    await tx.emailChangeRequest.update({ where: { id: request.id }, data: { cancelTokenHash: hashToken(secret) } });
    await queueMail(
      tx,
      emailChangeRequestedMail(
        holder,
        { newEmail: request.newEmail, cancelLink: cancelLink(`${request.id}.${secret}`) },
        eventId,
      ),
    );
  }

  async function newEmailIsFree(client: DbTx, email: string, exceptRequestId: string | null) {
    const holder = await client.account.findUnique({ where: { email }, select: { id: true } });
    const pending = await client.emailChangeRequest.findFirst({
      where: { newEmail: email, status: "PENDING", ...(exceptRequestId ? { id: { not: exceptRequestId } } : {}) },
    });
    if (holder || pending) {
      throw validationFailed("Adresse déjà utilisée", [
        {
          path: "body.newEmail",
          message: holder
            ? "Cette adresse est déjà celle d'un compte Medimail"
            : "Un autre changement en attente demande déjà cette adresse",
        },
      ]);
    }
  }

  async function requirePendingRequest(principal: Principal, requestId: string) {
    const request = await db.emailChangeRequest.findUnique({
      where: { id: requestId },
      include: { account: { select: { structureId: true, email: true } } },
    });
    if (!request) throw notFound(REQUEST_NOT_FOUND);
    await scope.require(principal, "administer", request.account.structureId, REQUEST_NOT_FOUND);
    // changing or dropping the request changes the account's future address: the same rule as the account itself
    await scope.requireAccountChange(principal, request.accountId);
    if (request.status !== "PENDING") {
      throw conflict("Cette demande n'est plus en attente : elle ne peut plus être modifiée ni supprimée.");
    }
    return request;
  }

  return {
    /** "Changer l'adresse mail": one pending request per account, applied by the nightly job. */
    async requestEmailChange(principal: Principal, accountId: string, newEmail: string, actor: AuditActor) {
      const account = await accounts.requireAccount(principal, accountId, "administer");
      if (newEmail === account.email) {
        throw validationFailed("Même adresse", [{ path: "body.newEmail", message: "C'est déjà l'adresse du compte" }]);
      }
      const request = await db.$transaction(async (tx) => {
        // one pending request per account: simultaneous requests for the same account queue on its row, and the
        // second one finds the first
        await tx.$queryRaw`SELECT id FROM account WHERE id = ${accountId}::uuid FOR UPDATE`;
        const existing = await tx.emailChangeRequest.findFirst({ where: { accountId, status: "PENDING" } });
        if (existing) {
          throw conflict(`Un changement vers ${existing.newEmail} est déjà en attente : modifiez-le ou supprimez-le.`);
        }
        await newEmailIsFree(tx, newEmail, null);
        const created = await tx.emailChangeRequest.create({
          data: { accountId, oldEmail: account.email, newEmail, requestedById: actor.id },
        });
        await announceToOldAddress(tx, created, account, created.id);
        await recordAudit(tx, actor, {
          action: "account.email-change-requested",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
          before: { email: account.email },
          after: { email: newEmail },
        });
        return created;
      });
      deliverMailSoon();
      return { id: request.id };
    },

    async editEmailChange(principal: Principal, requestId: string, newEmail: string, actor: AuditActor) {
      const request = await requirePendingRequest(principal, requestId);
      if (newEmail === request.account.email) {
        throw validationFailed("Même adresse", [{ path: "body.newEmail", message: "C'est déjà l'adresse du compte" }]);
      }
      await newEmailIsFree(db, newEmail, requestId);
      await db.$transaction(async (tx) => {
        const updated = await tx.emailChangeRequest.updateMany({
          where: { id: requestId, status: "PENDING" },
          data: { newEmail },
        });
        if (updated.count === 0)
          throw conflict("Cette demande vient d'être traitée : elle ne peut plus être modifiée.");
        // the holder is told of the new target address too, with a new cancel link
        const holder = await tx.account.findUniqueOrThrow({ where: { id: request.accountId } });
        await announceToOldAddress(tx, { id: requestId, newEmail }, holder, `${requestId}:${randomUUID()}`);
        await recordAudit(tx, actor, {
          action: "account.email-change-edited",
          entityType: "account",
          entityId: request.accountId,
          structureId: request.account.structureId,
          before: { newEmail: request.newEmail },
          after: { newEmail },
        });
      });
      deliverMailSoon();
    },

    async cancelEmailChange(principal: Principal, requestId: string, actor: AuditActor) {
      const request = await requirePendingRequest(principal, requestId);
      await db.$transaction(async (tx) => {
        const updated = await tx.emailChangeRequest.updateMany({
          where: { id: requestId, status: "PENDING" },
          data: { status: "CANCELLED", doneAt: new Date(), cancelTokenHash: null },
        });
        if (updated.count === 0)
          throw conflict("Cette demande vient d'être traitée : elle ne peut plus être supprimée.");
        await recordAudit(tx, actor, {
          action: "account.email-change-cancelled",
          entityType: "account",
          entityId: request.accountId,
          structureId: request.account.structureId,
          before: { newEmail: request.newEmail },
        });
      });
    },

    /** The "Demandes de changement de mail" tab: newest first, keyset-paged. */
    async listEmailChanges(
      principal: Principal,
      structureId: string,
      query: { daughters?: boolean; status?: EmailChangeRequestSummary["status"]; after?: string; limit: number },
    ): Promise<{ items: EmailChangeRequestSummary[]; nextCursor: string | null }> {
      await scope.require(principal, "read", structureId);
      const structureIds = await repository.structureIds(structureId, query.daughters ?? false);
      const key = emailChangesCursor.decode(query.after);
      const after = key ? { requestedAt: new Date(key[0]), id: key[1] } : null;
      const rows = await db.emailChangeRequest.findMany({
        where: {
          account: { structureId: { in: structureIds } },
          ...(query.status ? { status: query.status } : {}),
          ...(after
            ? {
                OR: [
                  { requestedAt: { lt: after.requestedAt } },
                  { requestedAt: after.requestedAt, id: { lt: after.id } },
                ],
              }
            : {}),
        },
        include: { account: { select: { lastName: true, firstName: true } } },
        orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => ({
          id: row.id,
          accountId: row.accountId,
          oldEmail: row.oldEmail,
          newEmail: row.newEmail,
          status: row.status,
          failureReason: row.failureReason,
          requestedAt: row.requestedAt.toISOString(),
          doneAt: row.doneAt?.toISOString() ?? null,
          accountName: `${row.account.firstName} ${row.account.lastName}`,
        })),
        nextCursor:
          rows.length > query.limit && last
            ? emailChangesCursor.encode([last.requestedAt.toISOString(), last.id])
            : null,
      };
    },

    /**
     * The cancel link mailed to the old address (public, single use): the pending request is cancelled and its
     * link dies with it. Any wrong, used or late token gets the same answer.
     */
    async cancelEmailChangeByLink(token: string, actor: AuditActor) {
      const invalid = () =>
        validationFailed(CANCEL_LINK_INVALID, [{ path: "body.token", message: CANCEL_LINK_INVALID }]);
      const [id, secret] = token.split(".");
      if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) throw invalid();
      const request = await db.emailChangeRequest.findUnique({
        where: { id },
        include: { account: { select: { structureId: true } } },
      });
      if (!request?.cancelTokenHash || !safeEqual(request.cancelTokenHash, hashToken(secret))) throw invalid();
      await db.$transaction(async (tx) => {
        const updated = await tx.emailChangeRequest.updateMany({
          where: { id, status: "PENDING", cancelTokenHash: request.cancelTokenHash },
          data: { status: "CANCELLED", doneAt: new Date(), cancelTokenHash: null },
        });
        if (updated.count === 0) throw invalid();
        await recordAudit(tx, actor, {
          action: "account.email-change-cancelled",
          entityType: "account",
          entityId: request.accountId,
          structureId: request.account.structureId,
          before: { newEmail: request.newEmail },
          after: { cancelledBy: "lien envoyé à l'ancienne adresse" },
        });
      });
      return { oldEmail: request.oldEmail };
    },

    /** "Ajouter un compte délégué": an existing individual or ORG account receives a copy of every message. */
    async addDelegate(
      principal: Principal,
      accountId: string,
      email: string,
      actor: AuditActor,
    ): Promise<DelegateSummary> {
      const account = await accounts.requireAccount(principal, accountId, "administer");
      const found = await db.account.findUnique({ where: { email } });
      const fieldError = (message: string) => validationFailed(message, [{ path: "body.email", message }]);
      // delegates are found within the caller's reach only: outside it, an address is answered as one nobody has
      // (no id, name or type of another structure's account, and no link written into it)
      const delegate = found && (await accounts.reachableBy(principal)(found.structureId)) ? found : null;
      if (!delegate) throw fieldError("Aucun compte Medimail de votre périmètre n'a cette adresse");
      if (delegate.id === accountId) throw fieldError("Un compte ne peut pas être son propre délégué");
      if (delegate.type === "APP") throw fieldError("Un compte applicatif (APP) ne peut pas être délégué");
      if (delegate.state === "REJECTED") throw fieldError("Ce compte est rejeté");
      const created = await db.$transaction(async (tx) => {
        const inserted = await tx.delegation.createMany({
          data: [{ accountId, delegateId: delegate.id }],
          skipDuplicates: true,
        });
        if (inserted.count === 0) throw conflict(`${email} est déjà délégué de ce compte.`);
        await recordAudit(tx, actor, {
          action: "account.delegate-added",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
          after: { delegate: email },
        });
        return tx.delegation.findUniqueOrThrow({
          where: { accountId_delegateId: { accountId, delegateId: delegate.id } },
        });
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
        const delegation = await tx.delegation.findFirst({
          where: { id: delegationId, accountId },
          include: { delegate: { select: { email: true } } },
        });
        if (!delegation) throw notFound("Délégation introuvable");
        await tx.delegation.delete({ where: { id: delegationId } });
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
        // one default per account: simultaneous changes for the same account queue on its row
        await tx.$queryRaw`SELECT id FROM account WHERE id = ${accountId}::uuid FOR UPDATE`;
        const link = await tx.connectionAccount.findUnique({
          where: { mailboxId_accountId: { mailboxId, accountId } },
        });
        if (!link) throw notFound("Ce compte n'est pas compte de connexion de cette boîte");
        if (input.isDefault === true) {
          await tx.connectionAccount.updateMany({ where: { accountId, isDefault: true }, data: { isDefault: false } });
        }
        const after = {
          isDefault: input.isDefault ?? link.isDefault,
          receptionNotification: input.receptionNotification ?? link.receptionNotification,
        };
        await tx.connectionAccount.update({ where: { mailboxId_accountId: { mailboxId, accountId } }, data: after });
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
