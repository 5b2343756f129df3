import type { DbTx } from "@medimail/db/client";
import { hashToken, randomToken, safeEqual } from "../auth/tokens.ts";
import { createAccountTokensRepository } from "./account-tokens.repository.ts";

/** What a mailed link lets its holder do, once: finish a pre-registration, or choose a new password. */
export type LinkPurpose = "REGISTRATION" | "PASSWORD_RESET";

const LINK_PURPOSES: LinkPurpose[] = ["REGISTRATION", "PASSWORD_RESET"];

export const LINK_VALIDITY_HOURS: Record<LinkPurpose, number> = {
  // a week: long enough for a professional to open the mail, short enough that a forgotten mail in a shared or
  // later reassigned mailbox stops opening the account; a reminder sends a fresh link
  REGISTRATION: 7 * 24,
  PASSWORD_RESET: 24,
};

/**
 * A single-use link token "<id>.<secret>": the id finds the row, only a hash of the secret is stored, so a leaked
 * table opens nothing.
 */
export async function issueLinkToken(tx: DbTx, accountId: string, purpose: LinkPurpose, now: Date): Promise<string> {
  const secret = randomToken();
  const id = await createAccountTokensRepository(tx).insert({
    accountId,
    purpose,
    codeHash: hashToken(secret),
    expiresAt: new Date(now.getTime() + LINK_VALIDITY_HOURS[purpose] * 3_600_000),
  });
  return `${id}.${secret}`;
}

export type LinkLookup =
  | { ok: true; id: string; accountId: string; purpose: LinkPurpose }
  | { ok: false; reason: "unknown" | "expired" | "used" };

/** Reads a link token without consuming it. */
export async function findLinkToken(tx: DbTx, token: string, now: Date): Promise<LinkLookup> {
  const [id, secret] = token.split(".");
  if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) return { ok: false, reason: "unknown" };
  const row = await createAccountTokensRepository(tx).findById(id);
  if (!row || (row.purpose !== "REGISTRATION" && row.purpose !== "PASSWORD_RESET")) {
    return { ok: false, reason: "unknown" };
  }
  if (!safeEqual(row.codeHash, hashToken(secret))) return { ok: false, reason: "unknown" };
  if (row.consumedAt) return { ok: false, reason: "used" };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, id: row.id, accountId: row.accountId, purpose: row.purpose };
}

/**
 * Marks the token used; false when another request used it first (the guard makes it single-use). The account's
 * other open links go with it: once a password is chosen, an older mail (a first registration link before a
 * reminder, an earlier reset) must not set it again.
 */
export async function consumeLinkToken(tx: DbTx, link: { id: string; accountId: string }, now: Date): Promise<boolean> {
  const codes = createAccountTokensRepository(tx);
  if (!(await codes.claim(link.id, now))) return false;
  await codes.consumeOpen(link.accountId, LINK_PURPOSES, now);
  return true;
}
