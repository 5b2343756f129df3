import { createHash, randomInt } from "node:crypto";
import type { Db, DbTx } from "@medimail/db/client";
import { generateSecret, generateURI, verify } from "otplib";

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

/**
 * Checks an authenticator code and records its time step in the same statement: a code (or an older one) is
 * never accepted twice, even by two concurrent requests.
 */
export async function verifyTotp(db: DbTx, accountId: string, code: string, now: Date, secretOverride?: string) {
  const account = await db.account.findUnique({
    where: { id: accountId },
    select: { totpSecret: true, totpLastTimeStep: true },
  });
  const secret = secretOverride ?? account?.totpSecret;
  if (!account || !secret) return false;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: EPOCH_TOLERANCE_SECONDS,
    ...(account.totpLastTimeStep !== null ? { afterTimeStep: account.totpLastTimeStep } : {}),
  });
  if (!result.valid || !("timeStep" in result)) return false;
  const recorded = await db.$executeRaw`
    UPDATE account SET totp_last_time_step = ${result.timeStep}
     WHERE id = ${accountId}::uuid AND (totp_last_time_step IS NULL OR totp_last_time_step < ${result.timeStep})`;
  return recorded === 1;
}

function recoveryDigest(code: string): string {
  return createHash("sha256").update(code.replace(/[\s-]/g, "").toLowerCase()).digest("hex");
}

/** Ten fresh single-use codes "xxxx-xxxx" (the old ones stop working); only their digests are stored. */
export async function renewRecoveryCodes(tx: DbTx, accountId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 8 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join("");
    return `${chars.slice(0, 4)}-${chars.slice(4)}`;
  });
  await tx.recoveryCode.deleteMany({ where: { accountId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ accountId, codeHash: recoveryDigest(code) })) });
  return codes;
}

/** Uses up a recovery code; returns its id, or null when it is wrong or already used. */
export async function verifyRecoveryCode(db: Db, accountId: string, code: string, now: Date): Promise<string | null> {
  const found = await db.recoveryCode.findFirst({
    where: { accountId, codeHash: recoveryDigest(code), usedAt: null },
    select: { id: true },
  });
  if (!found) return null;
  const used = await db.recoveryCode.updateMany({ where: { id: found.id, usedAt: null }, data: { usedAt: now } });
  return used.count === 1 ? found.id : null;
}
