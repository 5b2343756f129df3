import { randomUUID } from "node:crypto";
import type { EmailChangeRequestSummary } from "@medimail/contracts/accounts";
import type { Db, DbTx } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import { z } from "zod";
import { cursorParts, keysetCursor } from "../../lib/cursor.ts";
import { conflict, notFound, validationFailed } from "../../lib/errors.ts";
import type { Scope } from "../../lib/scope.ts";
import { createStructureTreeRepository } from "../../lib/structure-tree.repository.ts";
import { createAccountsRepository } from "../accounts/accounts.repository.ts";
import type { AccountsService } from "../accounts/accounts.service.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import { hashToken, randomToken, safeEqual } from "../auth/tokens.ts";
import type { DeliverMailSoon } from "../mail/outbox.jobs.ts";
import { queueMail } from "../mail/outbox.repository.ts";
import { emailChangeRequestedMail } from "./email-change-mails.ts";
import { createEmailChangesRepository } from "./email-changes.repository.ts";

const REQUEST_NOT_FOUND = "Demande de changement introuvable";
const CANCEL_LINK_INVALID =
  "Ce lien d'annulation n'est plus valable : le changement a déjà été appliqué ou annulé, ou le lien est incomplet.";
/** newest first: (requested at, id) of the previous page's last request */
const emailChangesCursor = keysetCursor(z.tuple([cursorParts.instant, cursorParts.id]));

/**
 * An account's email change requests: one pending request per account, announced to the address it would replace
 * (with a cancel link), applied by the nightly job (email-changes.jobs.ts).
 */
export function createEmailChangesService({
  db,
  scope,
  accounts,
  deliverMailSoon,
  publicUrl,
}: {
  db: Db;
  scope: Scope;
  accounts: AccountsService;
  deliverMailSoon: DeliverMailSoon;
  /** the console's address, for the cancel link */
  publicUrl: string;
}) {
  const requests = createEmailChangesRepository(db);
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
    await createEmailChangesRepository(tx).setCancelTokenHash(request.id, hashToken(secret));
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
    const user = await createAccountsRepository(client).addressInUse(email, exceptRequestId);
    if (user) {
      throw validationFailed("Adresse déjà utilisée", [
        {
          path: "body.newEmail",
          message:
            user === "account"
              ? "Cette adresse est déjà celle d'un compte Medimail"
              : "Un autre changement en attente demande déjà cette adresse",
        },
      ]);
    }
  }

  async function requirePendingRequest(principal: Principal, requestId: string) {
    const request = await requests.findWithAccount(requestId);
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
        const pending = createEmailChangesRepository(tx);
        // one pending request per account: simultaneous requests for the same account queue on its row, and the
        // second one finds the first
        await createAccountsRepository(tx).lock(accountId);
        const existing = await pending.pendingOfAccount(accountId);
        if (existing) {
          throw conflict(`Un changement vers ${existing.newEmail} est déjà en attente : modifiez-le ou supprimez-le.`);
        }
        await newEmailIsFree(tx, newEmail, null);
        const created = await pending.create({
          accountId,
          oldEmail: account.email,
          newEmail,
          requestedById: actor.id,
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
        if (!(await createEmailChangesRepository(tx).retarget(requestId, newEmail)))
          throw conflict("Cette demande vient d'être traitée : elle ne peut plus être modifiée.");
        // the holder is told of the new target address too, with a new cancel link
        const holder = await createAccountsRepository(tx).getById(request.accountId);
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
        if (!(await createEmailChangesRepository(tx).cancel(requestId, new Date())))
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
      const structureIds = await createStructureTreeRepository(db).subtreeIds(structureId, query.daughters ?? false);
      const key = emailChangesCursor.decode(query.after);
      const after = key ? { requestedAt: new Date(key[0]), id: key[1] } : null;
      const rows = await requests.page(structureIds, { status: query.status, after, limit: query.limit });
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
      const request = await requests.findWithAccount(id);
      if (!request?.cancelTokenHash || !safeEqual(request.cancelTokenHash, hashToken(secret))) throw invalid();
      await db.$transaction(async (tx) => {
        if (!(await createEmailChangesRepository(tx).cancel(id, new Date(), request.cancelTokenHash))) throw invalid();
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
  };
}
export type EmailChangesService = ReturnType<typeof createEmailChangesService>;
