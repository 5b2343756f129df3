import type {
  AccountCounts,
  AccountDetail,
  AccountListQuery,
  AccountListResponse,
  AccountSort,
  CreateAccountRequest,
  UpdateAccountRequest,
} from "@medimail/contracts/accounts";
import type { AuditAction } from "@medimail/contracts/audit";
import type { AccountState } from "@medimail/contracts/enums";
import type { Db, DbTx, Prisma } from "@medimail/db/client";
import { decide, type Principal, privilegedAccountRefusal, structureAccess } from "@medimail/domain/access";
import { type AccountAction, canRemind, initialState, transition } from "@medimail/domain/account-states";
import { delegationWarning, TYPE_RULES } from "@medimail/domain/account-types";
import type { z } from "zod";
import { invalidCursor } from "../../lib/cursor.ts";
import { isUniqueViolation } from "../../lib/database-errors.ts";
import { AppError, conflict, notFound, validationFailed } from "../../lib/errors.ts";
import { createScope, PRIVILEGED_ACCOUNT_MESSAGES, type Scope } from "../../lib/scope.ts";
import { type AuditActor, recordAudit } from "../audit/audit.repository.ts";
import { markChanged } from "../directory/directory-changes.repository.ts";
import type { DeliverMailSoon } from "../mail/outbox.jobs.ts";
import { queueMail } from "../mail/outbox.repository.ts";
import { quotaBucket, requireQuota } from "../mssante/mss-quota.ts";
import { accountValidatedMail, passwordResetMail, preRegistrationMail } from "./account-mails.ts";
import { checkProfileReferences, profileColumns, setConnectionAccounts } from "./account-profile.ts";
import { issueLinkToken } from "./account-tokens.ts";
import { type AccountsRepository, type Cursor, decodeCursor, encodeCursor } from "./accounts.repository.ts";

/** One account's reminders are at least a minute apart (the bulk reminder's double-send window). */
const REMIND_AGAIN_AFTER_MS = 60_000;
const reminderTime = new Intl.DateTimeFormat("fr-FR", { timeStyle: "medium", timeZone: "Europe/Paris" });

type ListQuery = z.output<typeof AccountListQuery>;

export interface AccountsServiceDeps {
  db: Db;
  scope: Scope;
  repository: AccountsRepository;
  deliverMailSoon: DeliverMailSoon;
  /** the console's address, for the links in mails */
  publicUrl: string;
}

const ACCOUNT_NOT_FOUND = "Compte introuvable";
const STALE =
  "Ce compte a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. Vos saisies sont conservées : rechargez le compte pour voir ses nouvelles valeurs, puis reportez-les.";

/** Per-account work of "Gestion des utilisateurs Medimail": every action checks the scope, then the rules. */
export function createAccountsService({ db, scope, repository, deliverMailSoon, publicUrl }: AccountsServiceDeps) {
  const registrationLink = (token: string) => `${publicUrl}/inscription/finaliser?jeton=${encodeURIComponent(token)}`;
  const passwordLink = (token: string) => `${publicUrl}/mot-de-passe/nouveau?jeton=${encodeURIComponent(token)}`;

  /**
   * The account, after checking the caller may see (read) or change (administer) it. A change also needs the
   * caller's scope to cover whatever the account may do (the structures it administers, a platform role): every
   * write on an account goes through here.
   */
  async function requireAccount(principal: Principal, accountId: string, need: "read" | "administer") {
    const account = await db.account.findUnique({ where: { id: accountId } });
    if (!account) throw notFound(ACCOUNT_NOT_FOUND);
    await scope.require(principal, need, account.structureId, ACCOUNT_NOT_FOUND);
    if (need === "administer") await scope.requireAccountChange(principal, accountId);
    return account;
  }

  /** One guarded update: the row changes only if nobody changed it since `version` (else 409, input kept). */
  async function updateAtVersion(
    tx: DbTx,
    accountId: string,
    version: number,
    data: Prisma.AccountUpdateManyMutationInput & { structureId?: string },
  ) {
    const updated = await tx.account.updateMany({
      where: { id: accountId, version },
      data: { ...data, version: { increment: 1 } },
    });
    if (updated.count === 0) throw new AppError(409, "CONFLICT", STALE);
  }

  /**
   * Whether the caller administers this structure: where delegates and connection accounts may be found. Inside a
   * transaction, pass it: a query on another connection would wait for the transaction's end on the embedded
   * database (one session taking turns), and the transaction for it.
   */
  const reachableBy =
    (principal: Principal, via?: DbTx) =>
    async (structureId: string): Promise<boolean> =>
      structureAccess(principal, await (via ? createScope(via) : scope).ancestry(structureId)) === "administer";

  const emailInUse = (byAccount: boolean) =>
    validationFailed("Adresse déjà utilisée", [
      {
        path: "body.email",
        message: byAccount
          ? "Cette adresse est déjà celle d'un compte Medimail"
          : "Cette adresse est demandée par un changement d'adresse en attente",
      },
    ]);

  async function uniqueEmail(tx: DbTx, email: string) {
    const holder = await tx.account.findUnique({ where: { email }, select: { id: true } });
    const pending = await tx.emailChangeRequest.findFirst({ where: { newEmail: email, status: "PENDING" } });
    if (holder || pending) throw emailInUse(holder !== null);
  }

  return {
    async list(principal: Principal, structureId: string, query: ListQuery): Promise<AccountListResponse> {
      await scope.require(principal, "read", structureId);
      const after = decodeCursor(query.after);
      if (after && !cursorFitsSort(after, query.sort)) throw invalidCursor("after");
      const structureIds = await repository.structureIds(structureId, query.daughters ?? false);
      const page = await repository.search({
        structureIds,
        text: query.q,
        state: query.state,
        type: query.type,
        sort: query.sort,
        order: query.order,
        after,
        limit: query.limit,
      });
      return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
    },

    async counts(principal: Principal, structureId: string, daughters: boolean): Promise<AccountCounts> {
      await scope.require(principal, "read", structureId);
      return repository.counts(await repository.structureIds(structureId, daughters));
    },

    async get(principal: Principal, accountId: string): Promise<AccountDetail> {
      const account = await requireAccount(principal, accountId, "read");
      const [ancestry, rights] = await Promise.all([
        scope.ancestry(account.structureId),
        scope.accountRights(accountId),
      ]);
      const [structure, mss, connections, mailboxes, delegates, pending] = await Promise.all([
        db.structure.findUniqueOrThrow({ where: { id: account.structureId }, select: { id: true, name: true } }),
        db.mssAddress.findUnique({ where: { accountId }, select: { address: true } }),
        db.connectionAccount.findMany({
          where: { mailboxId: accountId },
          include: { account: { select: { id: true, email: true, lastName: true, firstName: true, type: true } } },
          orderBy: { createdAt: "asc" },
        }),
        db.connectionAccount.findMany({
          where: { accountId },
          include: { mailbox: { select: { id: true, email: true, lastName: true, firstName: true, type: true } } },
          orderBy: { createdAt: "asc" },
        }),
        db.delegation.findMany({
          where: { accountId },
          include: { delegate: { select: { id: true, email: true, lastName: true, firstName: true, type: true } } },
          orderBy: { createdAt: "asc" },
        }),
        db.emailChangeRequest.findFirst({ where: { accountId, status: "PENDING" } }),
      ]);
      const shared = account.type === "ORG" || account.type === "APP";
      const refusal = privilegedAccountRefusal(principal, rights);
      return {
        id: account.id,
        version: account.version,
        email: account.email,
        type: account.type,
        state: account.state,
        previousState: account.previousState,
        structure,
        lastName: account.lastName,
        firstName: account.firstName,
        profession: account.profession,
        regionCode: account.regionCode,
        phone: account.phone,
        addressLine: account.addressLine,
        postcode: account.postcode,
        city: account.city,
        rpps: account.rpps,
        adeli: account.adeli,
        finessSite: account.finessSite,
        responsible: shared
          ? {
              lastName: account.responsibleLastName,
              firstName: account.responsibleFirstName,
              profession: account.responsibleProfession,
              rpps: account.responsibleNationalId,
            }
          : null,
        description: account.description,
        returnAddress: account.returnAddress,
        unlisted: account.unlisted,
        dematerialisation: account.dematerialisation,
        notifyOnReception: account.notifyOnReception,
        notifyDailyDigest: account.notifyDailyDigest,
        notifyOnOpening: account.notifyOnOpening,
        mssAddress: mss?.address ?? null,
        connectionAccounts: connections.map(({ account: a }) => ({
          accountId: a.id,
          email: a.email,
          name: `${a.firstName} ${a.lastName}`,
          type: a.type,
        })),
        linkedMailboxes: mailboxes.map((link) => ({
          accountId: link.mailbox.id,
          email: link.mailbox.email,
          name: `${link.mailbox.firstName} ${link.mailbox.lastName}`,
          type: link.mailbox.type,
          isDefault: link.isDefault,
          receptionNotification: link.receptionNotification,
        })),
        delegates: delegates.map((delegation) => ({
          id: delegation.id,
          accountId: delegation.delegate.id,
          email: delegation.delegate.email,
          name: `${delegation.delegate.firstName} ${delegation.delegate.lastName}`,
          type: delegation.delegate.type,
          warning: delegationWarning(delegation.delegate.type),
        })),
        pendingEmailChange: pending
          ? {
              id: pending.id,
              accountId,
              oldEmail: pending.oldEmail,
              newEmail: pending.newEmail,
              status: pending.status,
              failureReason: pending.failureReason,
              requestedAt: pending.requestedAt.toISOString(),
              doneAt: pending.doneAt?.toISOString() ?? null,
              accountName: `${account.firstName} ${account.lastName}`,
            }
          : null,
        createdAt: account.createdAt.toISOString(),
        lastReminderAt: account.lastReminderAt?.toISOString() ?? null,
        rejectedAt: account.rejectedAt?.toISOString() ?? null,
        permissions: {
          administer: decide(principal, "administer", ancestry) === "allow" && refusal === null,
          restriction:
            decide(principal, "administer", ancestry) === "allow" && refusal
              ? PRIVILEGED_ACCOUNT_MESSAGES[refusal]
              : null,
        },
      };
    },

    /**
     * "Créer un nouvel utilisateur": MED/PER/INT start pre-registered and get the mail to finish registering;
     * ORG/APP are validated at once. The address defaults from the structure when none is given.
     */
    async create(principal: Principal, structureId: string, input: CreateAccountRequest, actor: AuditActor) {
      await scope.require(principal, "administer", structureId);
      const now = new Date();
      const created = await db
        .$transaction(async (tx) => {
          await uniqueEmail(tx, input.email);
          const connectionIds = await checkProfileReferences(
            tx,
            input,
            { id: null, email: input.email },
            reachableBy(principal, tx),
          );
          const structure = await tx.structure.findUniqueOrThrow({ where: { id: structureId } });
          const columns = profileColumns(input, input.email);
          const noAddress = !columns.addressLine && !columns.postcode && !columns.city;
          const state = initialState(input.type, "ADMIN");
          const account = await tx.account.create({
            data: {
              ...columns,
              ...(noAddress
                ? { addressLine: structure.addressLine, postcode: structure.postcode, city: structure.city }
                : {}),
              email: input.email,
              structureId,
              state,
            },
          });
          if (connectionIds.length > 0) await setConnectionAccounts(tx, account.id, connectionIds);
          if (state === "PREREGISTERED") {
            const token = await issueLinkToken(tx, account.id, "REGISTRATION", now);
            await queueMail(
              tx,
              preRegistrationMail(account, registrationLink(token), structure.name, account.id, false),
            );
          }
          await recordAudit(tx, actor, {
            action: "account.created",
            entityType: "account",
            entityId: account.id,
            structureId,
            after: {
              ...auditable(columns),
              email: input.email,
              state,
              connectionAccounts: input.type === "ORG" || input.type === "APP" ? input.connectionAccounts : null,
            },
          });
          return account;
        })
        .catch((error: unknown) => {
          // two simultaneous creations with one address: the unique index lets one through, the other is told why
          throw isUniqueViolation(error) ? emailInUse(true) : error;
        });
      if (created.state === "PREREGISTERED") deliverMailSoon();
      return { id: created.id, state: created.state };
    },

    /** "Enregistrer l'utilisateur", including a change of type (its new fields are required by the schema). */
    async update(principal: Principal, accountId: string, input: UpdateAccountRequest, actor: AuditActor) {
      const current = await requireAccount(principal, accountId, "administer");
      const { version, ...profile } = input;
      await db.$transaction(async (tx) => {
        const connectionIds = await checkProfileReferences(
          tx,
          profile,
          { id: accountId, email: current.email },
          reachableBy(principal, tx),
        );
        const typeChanged = profile.type !== current.type;
        if (typeChanged) {
          const mss = await tx.mssAddress.findUnique({ where: { accountId } });
          if (mss && !TYPE_RULES[profile.type].mssAddress) {
            throw conflict(
              `Un compte ${profile.type} n'a pas de correspondance MSSanté : supprimez d'abord l'adresse ${mss.address}.`,
            );
          }
          // PER ↔ INT stay in the same quota; another bucket must have room
          if (mss && quotaBucket(profile.type) !== quotaBucket(current.type)) {
            await requireQuota(tx, current.structureId, profile.type, "Changement de type impossible");
          }
          // the account is no longer what it was: links that only fit the old type go
          if (!TYPE_RULES[profile.type].sharedMailbox)
            await tx.connectionAccount.deleteMany({ where: { mailboxId: accountId } });
          if (profile.type === "ORG" || profile.type === "APP") {
            await tx.connectionAccount.deleteMany({ where: { accountId } });
          }
        }
        const columns = profileColumns(profile, current.email);
        await updateAtVersion(tx, accountId, version, columns);
        // names, identifiers, type, description…: the directory entry may change (the publication sends only a difference)
        await markChanged(tx, accountId);
        if (profile.type === "ORG" || profile.type === "APP") await setConnectionAccounts(tx, accountId, connectionIds);
        await recordAudit(tx, actor, {
          action: typeChanged ? "account.type-changed" : "account.updated",
          entityType: "account",
          entityId: accountId,
          structureId: current.structureId,
          before: auditable(current),
          after: auditable(columns),
        });
      });
      return { version: version + 1 };
    },

    /** Validate, reject, rehabilitate: the state machine decides; the update is guarded by the version. */
    async act(
      principal: Principal,
      accountId: string,
      action: Exclude<AccountAction, "complete-registration">,
      version: number,
      actor: AuditActor,
    ): Promise<{ state: AccountState; version: number }> {
      const current = await requireAccount(principal, accountId, "administer");
      const outcome = transition({ state: current.state, previousState: current.previousState }, action);
      if (!outcome.ok) throw conflict(outcome.message);
      const now = new Date();
      const audit: Record<typeof action, AuditAction> = {
        validate: "account.validated",
        reject: "account.rejected",
        rehabilitate: "account.rehabilitated",
      };
      await db.$transaction(async (tx) => {
        await updateAtVersion(tx, accountId, version, {
          state: outcome.next.state,
          previousState: outcome.next.previousState,
          rejectedAt: outcome.next.state === "REJECTED" ? now : null,
        });
        if (action === "validate") await queueMail(tx, accountValidatedMail(current, `${accountId}:${version}`));
        await recordAudit(tx, actor, {
          action: audit[action],
          entityType: "account",
          entityId: accountId,
          structureId: current.structureId,
          before: { state: current.state, previousState: current.previousState },
          after: { state: outcome.next.state, previousState: outcome.next.previousState },
        });
      });
      if (action === "validate") deliverMailSoon();
      return { state: outcome.next.state, version: version + 1 };
    },

    /** "Relancer l'utilisateur": a fresh registration link for a pre-registered account. */
    async remind(principal: Principal, accountId: string, actor: AuditActor) {
      const account = await requireAccount(principal, accountId, "administer");
      if (!canRemind(account.state)) throw conflict("Seul un compte préinscrit peut être relancé.");
      const now = new Date();
      await db.$transaction(async (tx) => {
        // Guarded claim, as the bulk reminder does: a double click's second request waits for the first, then finds
        // the account reminded less than a minute ago and sends nothing.
        const claimed = await tx.account.updateMany({
          where: {
            id: accountId,
            state: "PREREGISTERED",
            OR: [{ lastReminderAt: null }, { lastReminderAt: { lt: new Date(now.getTime() - REMIND_AGAIN_AFTER_MS) } }],
          },
          data: { lastReminderAt: now },
        });
        if (claimed.count === 0) {
          const last = await tx.account.findUnique({
            where: { id: accountId },
            select: { state: true, lastReminderAt: true },
          });
          if (last?.state !== "PREREGISTERED" || !last.lastReminderAt) {
            throw conflict("Seul un compte préinscrit peut être relancé.");
          }
          throw conflict(
            `Cet utilisateur a été relancé à ${reminderTime.format(last.lastReminderAt)}, il y a moins d'une minute : attendez avant de le relancer à nouveau.`,
          );
        }
        const structure = await tx.structure.findUniqueOrThrow({ where: { id: account.structureId } });
        const reminder = await tx.reminder.create({ data: { accountId, sentById: actor.id, sentAt: now } });
        const token = await issueLinkToken(tx, accountId, "REGISTRATION", now);
        await queueMail(tx, preRegistrationMail(account, registrationLink(token), structure.name, reminder.id, true));
        await recordAudit(tx, actor, {
          action: "account.reminded",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
        });
      });
      deliverMailSoon();
      return { lastReminderAt: now.toISOString() };
    },

    /** "Changer de structure": only to a structure the caller administers; MSSanté quota and domain respected. */
    async changeStructure(
      principal: Principal,
      accountId: string,
      input: { version: number; structureId: string },
      actor: AuditActor,
    ) {
      const account = await requireAccount(principal, accountId, "administer");
      await scope.require(principal, "administer", input.structureId, "Structure de destination introuvable");
      if (input.structureId === account.structureId) throw conflict("Le compte est déjà rattaché à cette structure.");
      await db.$transaction(async (tx) => {
        const mss = await tx.mssAddress.findUnique({ where: { accountId } });
        if (mss) {
          const [from, to] = await Promise.all([
            tx.structure.findUniqueOrThrow({ where: { id: account.structureId }, select: { mssDomain: true } }),
            tx.structure.findUniqueOrThrow({ where: { id: input.structureId }, select: { mssDomain: true } }),
          ]);
          if (from.mssDomain !== to.mssDomain) {
            throw conflict(
              `Sa correspondance MSSanté ${mss.address} appartient au domaine de sa structure actuelle : modifiez-la ou supprimez-la d'abord.`,
            );
          }
          await requireQuota(tx, input.structureId, account.type, "Changement de structure impossible");
        }
        await updateAtVersion(tx, accountId, input.version, { structureId: input.structureId });
        // the structure identifier the directory entry carries may change
        await markChanged(tx, accountId);
        await recordAudit(tx, actor, {
          action: "account.structure-changed",
          entityType: "account",
          entityId: accountId,
          structureId: input.structureId,
          before: { structureId: account.structureId },
          after: { structureId: input.structureId },
        });
      });
      return { version: input.version + 1 };
    },

    /** "Demander la réinitialisation du mot de passe": a single-use link mailed to the holder. */
    async requestPasswordReset(principal: Principal, accountId: string, actor: AuditActor) {
      const account = await requireAccount(principal, accountId, "administer");
      if (account.state === "REJECTED") throw conflict("Ce compte est rejeté : réhabilitez-le d'abord.");
      const now = new Date();
      await db.$transaction(async (tx) => {
        const token = await issueLinkToken(tx, accountId, "PASSWORD_RESET", now);
        await queueMail(tx, passwordResetMail(account, passwordLink(token), token.split(".")[0] ?? token));
        await recordAudit(tx, actor, {
          action: "account.password-reset-requested",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
        });
      });
      deliverMailSoon();
    },

    requireAccount,
    reachableBy,
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;

/**
 * A createdAt cursor holds a UTC timestamp to the millisecond, as the search writes it; a name or email cursor any
 * text. A cursor of another sort (or a forged one) would otherwise reach the database as a wrong-typed value.
 */
function cursorFitsSort(cursor: Cursor, sort: AccountSort): boolean {
  if (sort !== "createdAt") return true;
  const date = new Date(`${cursor.value}Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString() === `${cursor.value}Z`;
}

/** What the audit log keeps of an account: its profile, never credentials. */
export function auditable(account: Record<string, unknown>): Prisma.InputJsonObject {
  const kept = [
    "type",
    "lastName",
    "firstName",
    "profession",
    "regionCode",
    "phone",
    "addressLine",
    "postcode",
    "city",
    "rpps",
    "adeli",
    "finessSite",
    "responsibleLastName",
    "responsibleFirstName",
    "responsibleProfession",
    "responsibleNationalId",
    "description",
    "returnAddress",
    "unlisted",
    "dematerialisation",
    "notifyOnReception",
    "notifyDailyDigest",
    "notifyOnOpening",
  ];
  return Object.fromEntries(kept.map((key) => [key, (account[key] ?? null) as Prisma.InputJsonValue]));
}
