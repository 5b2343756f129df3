import { createHash, randomInt } from "node:crypto";
import type { Db, DbTx } from "@medimail/db/client";
import { generateSecret, generateURI, verify } from "otplib";
import { decryptSecret, encryptSecret, keyId, recoveryCodeDigests, type SecretKeys } from "./secrets.ts";
import { createTotpRepository } from "./totp.repository.ts";

const ISSUER = "Medimail Admin";
/** One step either side: the phone's clock may be 30 s off. */
const EPOCH_TOLERANCE_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: read aloud or copied from paper without mistakes.
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: ISSUER, label: email, secret });
}

/** The seed as stored: encrypted under the server key, never in clear. */
export function sealTotpSecret(keys: SecretKeys, secret: string): string {
  return encryptSecret(keys, secret);
}

/**
 * The account's seed in clear. A seed stored in clear (before encryption existed) or under the previous key is
 * accepted and rewritten under the current key at once.
 */
export async function readTotpSecret(db: DbTx, keys: SecretKeys, accountId: string, stored: string): Promise<string> {
  const { plaintext, stale } = decryptSecret(keys, stored);
  if (stale) {
    await createTotpRepository(db).rewriteSecret(accountId, stored, encryptSecret(keys, plaintext));
  }
  return plaintext;
}

/**
 * Checks an authenticator code and records its time step in the same statement: a code (or an older one) is
 * never accepted twice, even by two concurrent requests.
 */
export async function verifyTotp(db: DbTx, accountId: string, code: string, now: Date, keys: SecretKeys) {
  const totp = createTotpRepository(db);
  const account = await totp.findSecret(accountId);
  if (!account?.totpSecret) return false;
  const secret = await readTotpSecret(db, keys, accountId, account.totpSecret);
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: EPOCH_TOLERANCE_SECONDS,
    ...(account.totpLastTimeStep !== null ? { afterTimeStep: account.totpLastTimeStep } : {}),
  });
  if (!result.valid || !("timeStep" in result)) return false;
  return totp.recordTimeStep(accountId, result.timeStep);
}

const normalizeRecoveryCode = (code: string) => code.replace(/[\s-]/g, "").toLowerCase();

/** The digest of codes made before the keyed HMAC (unsalted sha256): still accepted until used or renewed. */
function legacyRecoveryDigest(code: string): string {
  return createHash("sha256").update(normalizeRecoveryCode(code)).digest("hex");
}

/** Ten fresh single-use codes "xxxx-xxxx" (the old ones stop working); only their keyed digests are stored. */
export async function renewRecoveryCodes(tx: DbTx, accountId: string, keys: SecretKeys): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 8 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join("");
    return `${chars.slice(0, 4)}-${chars.slice(4)}`;
  });
  await createTotpRepository(tx).replaceRecoveryCodes(
    accountId,
    codes.map((code) => recoveryCodeDigests(keys, accountId, normalizeRecoveryCode(code))[0] as string),
  );
  return codes;
}

/** Uses up a recovery code; returns its id, or null when it is wrong or already used. */
export async function verifyRecoveryCode(
  db: Db,
  accountId: string,
  code: string,
  now: Date,
  keys: SecretKeys,
): Promise<string | null> {
  const candidates = [...recoveryCodeDigests(keys, accountId, normalizeRecoveryCode(code)), legacyRecoveryDigest(code)];
  const totp = createTotpRepository(db);
  const found = await totp.findUnusedRecoveryCode(accountId, candidates);
  if (!found) return null;
  return (await totp.useRecoveryCode(found.id, now)) ? found.id : null;
}

/**
 * After a key rotation (or to encrypt seeds still in clear at once rather than at their next use): rewrites every
 * seed not yet under the current key. Recovery codes cannot be rehashed (only their digests are kept): those made
 * under the previous key are counted, they work while SECRETS_KEY_PREVIOUS is set or until renewed.
 */
export async function reencryptTotpSecrets(db: Db, keys: SecretKeys) {
  const currentPrefix = `v1:${keyId(keys.current)}:`;
  const totp = createTotpRepository(db);
  const stale = await totp.secretsNotUnder(currentPrefix);
  let rewritten = 0;
  let unreadable = 0;
  for (const account of stale) {
    try {
      await readTotpSecret(db, keys, account.id, account.totpSecret as string);
      rewritten++;
    } catch {
      unreadable++;
    }
  }
  const recoveryCodesUnderOtherKeys = await totp.countRecoveryCodesNotUnder(`h1:${keyId(keys.current)}:`);
  return { rewritten, unreadable, recoveryCodesUnderOtherKeys };
}
