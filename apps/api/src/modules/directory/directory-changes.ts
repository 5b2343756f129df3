import type { DbTx } from "@medimail/db/client";

// What the nightly publication must know about: every change that alters what the national directory shows goes
// through these two functions, in the transaction of the change.

/** The account's correspondence (if any) must be published again tonight (fields, type, liste rouge changed). */
export async function markChanged(tx: DbTx, accountId: string): Promise<void> {
  await tx.mssAddress.updateMany({ where: { accountId }, data: { publicationStatus: "PENDING" } });
}

/** Deletes the account's correspondence; what the directory already holds is withdrawn at the next publication. */
export async function deleteCorrespondence(tx: DbTx, accountId: string): Promise<void> {
  await tx.mssAddress.deleteMany({ where: { accountId } });
}
