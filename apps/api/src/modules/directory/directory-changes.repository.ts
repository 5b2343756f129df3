import type { DbTx } from "@medimail/db/client";

// What the nightly publication must know about: every change that alters what the national directory shows goes
// through these two functions, in the transaction of the change.

/**
 * The account's correspondence (if any) must be published again tonight: its fields, type, address or liste rouge
 * changed. Calling it for a change the directory does not show costs nothing: the publication compares the entry
 * with the digest of what it last sent and publishes only a real difference.
 */
export async function markChanged(tx: DbTx, accountId: string): Promise<void> {
  await tx.mssAddress.updateMany({ where: { accountId }, data: { publicationStatus: "PENDING" } });
}

/**
 * Deletes the account's correspondence. If the directory holds its address, the trigger on `mss_address` records a
 * `directory_withdrawal` in this same transaction, which the next publication sends as a DELETE. (A trigger, so that
 * a correspondence removed by an account's deletion — a cascade, no application code involved — is withdrawn too.)
 */
export async function deleteCorrespondence(tx: DbTx, accountId: string): Promise<void> {
  await tx.mssAddress.deleteMany({ where: { accountId } });
}
