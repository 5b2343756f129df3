import type { AccountType } from "@medimail/contracts/enums";
import type { DbTx } from "@medimail/db/client";
import { addressError, type PersonName, proposeAddress } from "@medimail/domain/mss-address";
import { createMssanteRepository } from "./mssante.repository.ts";

/** The account fields the address rules read. */
export interface AddressHolder {
  id: string;
  type: AccountType;
  lastName: string;
  firstName: string;
  responsibleLastName: string | null;
  responsibleFirstName: string | null;
}

/** For an ORG mailbox, the persons whose name its generic address must not take: its responsible, its users. */
export async function peopleOf(tx: DbTx, holder: AddressHolder): Promise<PersonName[]> {
  if (holder.type !== "ORG") return [];
  const people: PersonName[] = await createMssanteRepository(tx).mailboxUsers(holder.id);
  if (holder.responsibleLastName && holder.responsibleFirstName) {
    people.push({ lastName: holder.responsibleLastName, firstName: holder.responsibleFirstName });
  }
  return people;
}

export const TYPE_RULE_TEXT: Record<AccountType, string> = {
  MED: "Les comptes MED ne peuvent pas avoir de correspondance MSSanté.",
  PER: "Les comptes PER ont une adresse nominative : nom.prenom ou prenom.nom.",
  INT: "Les comptes INT ont une adresse nominative : nom.prenom ou prenom.nom.",
  ORG: "Les comptes ORG ont une adresse générique (un service, pas une personne).",
  APP: "Les comptes APP ont une adresse qui commence par noreply ou nepasrepondre.",
};

/** Why this address cannot be the account's (the rule, in French), or null. */
export async function ruleError(tx: DbTx, holder: AddressHolder, address: string, domain: string | null) {
  return addressError(holder.type, address, {
    domain,
    holder,
    people: await peopleOf(tx, holder),
  });
}

/**
 * The first free address the rules accept for the account, or why there is none. `reserved` holds addresses
 * already promised in the same run (a preview proposes distinct addresses to two homonyms).
 */
export async function planAddress(
  tx: DbTx,
  holder: AddressHolder,
  domain: string | null,
  reserved: Set<string> = new Set(),
): Promise<{ address: string } | { reason: string }> {
  if (holder.type === "MED") return { reason: TYPE_RULE_TEXT.MED };
  if (!domain) return { reason: "La structure n'a pas de domaine MSSanté : l'opérateur doit le renseigner." };
  // the candidates in order, then one query for those already taken
  const candidates: string[] = [];
  proposeAddress(holder.type, holder, domain, (address) => {
    candidates.push(address);
    return true; // keep asking: collect every candidate
  });
  if (candidates.length === 0)
    return { reason: "Le nom ne permet pas de former une adresse : saisissez-la à la main." };
  const taken = await createMssanteRepository(tx).takenAmong(candidates);
  const people = await peopleOf(tx, holder);
  for (const address of candidates) {
    if (taken.has(address) || reserved.has(address)) continue;
    if (addressError(holder.type, address, { domain, holder, people }) === null) return { address };
  }
  return { reason: "Aucune adresse libre conforme à la règle du type : saisissez-la à la main." };
}
