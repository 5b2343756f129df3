import type { AccountProfile } from "@medimail/contracts/accounts";
import type { AccountType } from "@medimail/contracts/enums";
import type { Account, DbTx, Prisma } from "@medimail/db/client";
import { canBeConnectionAccount, canOwnReturnAddress, classifyNationalId } from "@medimail/domain/account-types";
import { accountSearchText, accountSortName } from "@medimail/domain/text";
import { validationFailed } from "../../lib/errors.ts";
import { createAccountsRepository } from "./accounts.repository.ts";

/**
 * The 23 columns of an account's profile: what the edit form sets, the audit log keeps and an import compares.
 * Listed here once; `profileColumns` must fill each of them.
 */
export const PROFILE_COLUMNS = [
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
] as const satisfies readonly (keyof Account)[];
export type ProfileColumn = (typeof PROFILE_COLUMNS)[number];

/** What the audit log keeps of an account: its profile, never credentials. */
export function auditable(account: Record<string, unknown>): Prisma.InputJsonObject {
  return Object.fromEntries(
    PROFILE_COLUMNS.map((column) => [column, (account[column] ?? null) as Prisma.InputJsonValue]),
  );
}

/** The columns a profile sets. Fields foreign to the type are cleared, so a type change leaves nothing stale. */
export function profileColumns(profile: AccountProfile, email: string) {
  const nationalId = profile.type === "PER" ? profile.nationalId : null;
  const kind = nationalId ? classifyNationalId(nationalId) : null;
  const shared = profile.type === "ORG" || profile.type === "APP" ? profile : null;
  const columns = {
    type: profile.type,
    lastName: profile.lastName,
    firstName: profile.firstName,
    profession: profile.profession,
    regionCode: profile.regionCode,
    phone: profile.phone,
    addressLine: profile.addressLine,
    postcode: profile.postcode,
    city: profile.city,
    unlisted: profile.unlisted,
    notifyOnReception: profile.notifyOnReception,
    notifyDailyDigest: profile.notifyDailyDigest,
    notifyOnOpening: profile.notifyOnOpening,
    dematerialisation: "dematerialisation" in profile ? profile.dematerialisation : false,
    rpps: kind === "RPPS" ? nationalId : null,
    adeli: kind === "ADELI" ? nationalId : null,
    finessSite: "finessSite" in profile ? profile.finessSite : null,
    responsibleLastName: shared?.responsible.lastName ?? null,
    responsibleFirstName: shared?.responsible.firstName ?? null,
    responsibleProfession: shared?.responsible.profession ?? null,
    responsibleNationalId: shared?.responsible.rpps ?? null,
    description: shared?.description ?? null,
    returnAddress: profile.type === "APP" ? profile.returnAddress : null,
  } satisfies Record<ProfileColumn, unknown>;
  return {
    ...columns,
    sortName: accountSortName(columns),
    searchText: accountSearchText({ ...columns, email }),
  };
}

/** The other way: an account's profile columns as its page shows them (the responsible person of ORG/APP only). */
export function profileOf(account: Pick<Account, ProfileColumn>) {
  const shared = account.type === "ORG" || account.type === "APP";
  return {
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
  };
}

/**
 * The rules a form cannot check alone: connection accounts are existing MED/PER/INT accounts within the caller's
 * reach (`reachable`: the structures he administers, daughters included) — an account outside it is answered as
 * one nobody has, so that the form cannot probe the platform — except those already connected to this mailbox
 * (a link the operator made stays when the form is saved again). An APP's return address belongs to a PER, ORG or
 * INT mailbox. Field errors name the body path, as zod's do.
 */
export async function checkProfileReferences(
  tx: DbTx,
  profile: AccountProfile,
  self: { id: string | null; email: string },
  reachable: (structureId: string) => Promise<boolean>,
): Promise<string[]> {
  const accounts = createAccountsRepository(tx);
  const errors: { path: string; message: string }[] = [];
  let connectionIds: string[] = [];
  if (profile.type === "ORG" || profile.type === "APP") {
    const candidates = await accounts.connectionCandidates(profile.connectionAccounts);
    const linked = new Set(self.id ? await accounts.connectedAccountIds(self.id) : []);
    const found: typeof candidates = [];
    for (const account of candidates) {
      if (linked.has(account.id) || (await reachable(account.structureId))) found.push(account);
    }
    const byEmail = new Map(found.map((account) => [account.email, account]));
    profile.connectionAccounts.forEach((email, index) => {
      const account = byEmail.get(email);
      const path = `body.connectionAccounts.${index}`;
      if (!account || email === self.email) {
        errors.push({ path, message: `Aucun compte MED, PER ou INT de votre périmètre n'a l'adresse ${email}` });
      } else if (!canBeConnectionAccount(account.type as AccountType)) {
        errors.push({ path, message: `${email} est un compte ${account.type} : seuls MED, PER et INT se connectent` });
      } else if (account.state === "REJECTED") {
        errors.push({ path, message: `Le compte ${email} est rejeté` });
      }
    });
    connectionIds = found.filter((account) => account.id !== self.id).map((account) => account.id);
  }
  if (profile.type === "APP") {
    const owner = await accounts.mssAddressOwner(profile.returnAddress);
    if (!owner || !canOwnReturnAddress(owner.account.type as AccountType)) {
      errors.push({
        path: "body.returnAddress",
        message: owner
          ? `Cette adresse MSSanté est celle d'un compte ${owner.account.type} : il faut celle d'un compte PER, ORG ou INT`
          : "Aucune boîte PER, ORG ou INT n'a cette adresse MSSanté",
      });
    }
  }
  if (errors.length > 0) throw validationFailed("Certains champs sont à corriger", errors);
  return connectionIds;
}

/** Replaces an ORG/APP mailbox's connection accounts, keeping the settings of those that stay. */
export async function setConnectionAccounts(tx: DbTx, mailboxId: string, accountIds: string[]): Promise<void> {
  await createAccountsRepository(tx).setConnectionAccounts(mailboxId, accountIds);
}
