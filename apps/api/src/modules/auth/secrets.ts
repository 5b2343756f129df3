import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";

/**
 * The server's secret key (SECRETS_KEY) and, during a rotation, the previous one (SECRETS_KEY_PREVIOUS): it
 * encrypts the authenticator seeds and keys the recovery codes' HMAC, so a copy of the database alone gives
 * neither.
 */
export interface SecretKeys {
  current: Buffer;
  previous?: Buffer;
}

/**
 * DEVELOPMENT ONLY: the key used when SECRETS_KEY is unset outside production (and by the tests). It is public
 * (it is in the source code): production refuses to start without SECRETS_KEY.
 */
export const DEVELOPMENT_SECRETS_KEY = "ZGV2ZWxvcHBlbWVudC1zZXVsZW1lbnQtbm9uLXNlY3I=";

/** A 32-byte key written in hex (64 characters) or base64 (44 characters); null when it is neither. */
export function parseSecretKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    return key.length === 32 ? key : null;
  }
  return null;
}

export function secretKeysOf(current: string, previous?: string): SecretKeys {
  const parse = (text: string, name: string) => {
    const key = parseSecretKey(text);
    if (!key) throw new Error(`${name}: 32 bytes in hex or base64 expected`);
    return key;
  };
  return {
    current: parse(current, "SECRETS_KEY"),
    ...(previous ? { previous: parse(previous, "SECRETS_KEY_PREVIOUS") } : {}),
  };
}

/** A short, non-secret name of a key, stored next to what it protects: which key to use to read it back. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update("medimail-key-id").update(key).digest("hex").slice(0, 8);
}

/** One subkey per use, so the encryption key never serves as an HMAC key. */
function subkey(key: Buffer, purpose: "totp-seed" | "recovery-code"): Buffer {
  return createHmac("sha256", key).update(`medimail:${purpose}`).digest();
}

function keysInOrder(keys: SecretKeys): Buffer[] {
  return keys.previous ? [keys.current, keys.previous] : [keys.current];
}

const ENCRYPTED = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]+):([A-Za-z0-9_-]*):([A-Za-z0-9_-]+)$/;

/** AES-256-GCM with a random IV: "v1:<key id>:<iv>:<ciphertext>:<tag>" (base64url). */
export function encryptSecret(keys: SecretKeys, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", subkey(keys.current, "totp-seed"), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const encode = (bytes: Buffer) => bytes.toString("base64url");
  return `v1:${keyId(keys.current)}:${encode(iv)}:${encode(ciphertext)}:${encode(cipher.getAuthTag())}`;
}

/**
 * Reads a stored secret back. `stale` says it should be written again under the current key: it was under the
 * previous key, or stored in clear before encryption existed (accepted once, then rewritten). Throws when the
 * value was encrypted under a key that is not configured, or was tampered with.
 */
export function decryptSecret(keys: SecretKeys, stored: string): { plaintext: string; stale: boolean } {
  const match = ENCRYPTED.exec(stored);
  if (!match) return { plaintext: stored, stale: true };
  const [, id, iv, ciphertext, tag] = match as unknown as [string, string, string, string, string];
  const key = keysInOrder(keys).find((candidate) => keyId(candidate) === id);
  if (!key) throw new Error(`secret encrypted under an unknown key (${id}): is SECRETS_KEY_PREVIOUS missing?`);
  const decipher = createDecipheriv("aes-256-gcm", subkey(key, "totp-seed"), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
  return { plaintext: plaintext.toString("utf8"), stale: key !== keys.current };
}

/** Is this stored value already encrypted under the current key? */
export function isCurrent(keys: SecretKeys, stored: string): boolean {
  return stored.startsWith(`v1:${keyId(keys.current)}:`);
}

/**
 * The stored form of a recovery code: HMAC-SHA-256 under the server key, of the account and the code (the same
 * code in two accounts never gives the same value; the table alone does not allow guessing codes offline).
 * "h1:<key id>:<hex>". Every configured key gives one candidate, so codes made before a rotation keep working
 * while SECRETS_KEY_PREVIOUS is set.
 */
export function recoveryCodeDigests(keys: SecretKeys, accountId: string, normalizedCode: string): string[] {
  return keysInOrder(keys).map(
    (key) =>
      `h1:${keyId(key)}:${createHmac("sha256", subkey(key, "recovery-code")).update(`${accountId}:${normalizedCode}`).digest("hex")}`,
  );
}
