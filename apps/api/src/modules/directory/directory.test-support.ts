// Shared by the nightly publication's integration tests: the nights they run on, correspondences (an account and
// its MSSanté address) and their changes, and the clean slate each case starts from.
import type { Db, Prisma } from "@medimail/db/client";
import { createAccount } from "@medimail/db/seed/factories";
import { fakeClock } from "../../../test/jobs.ts";
import { markChanged } from "./directory-changes.repository.ts";

export const DAY = 86_400_000;

/** The clock of the publication's run `day` nights after the 26th of November 2026 (01:00 UTC). */
export const night = (day: number) => fakeClock(new Date(Date.parse("2026-11-26T01:00:00Z") + day * DAY).toISOString());

/** An account of the structure with an MSSanté address `<local part>@<domain>` (the local part: the prefix, or
 *  the account's last name in lower case). */
export async function createCorrespondent(
  db: Db,
  structureId: string,
  domain: string,
  {
    overrides = {},
    prefix,
    listed = true,
  }: {
    overrides?: Partial<Prisma.AccountCreateManyInput>;
    prefix?: string;
    listed?: boolean;
  } = {},
) {
  const account = await createAccount(db, structureId, overrides);
  const address = `${prefix ?? account.lastName.toLowerCase()}@${domain}`;
  await db.mssAddress.create({ data: { accountId: account.id, address, listed } });
  return { account, address };
}

/** A change the directory may show, as the console makes it: in one transaction with the publication's mark. */
export const changeAndMark = (db: Db, accountId: string, change: (tx: Prisma.TransactionClient) => Promise<unknown>) =>
  db.$transaction(async (tx) => {
    await change(tx);
    await markChanged(tx, accountId);
  });

/** The account's MSSanté address with its publication state. */
export const addressOf = (db: Db, accountId: string) => db.mssAddress.findUniqueOrThrow({ where: { accountId } });

/** No address, withdrawal or publication left by an earlier case. */
export async function clearPublications(db: Db): Promise<void> {
  await db.mssAddress.deleteMany();
  await db.directoryWithdrawal.deleteMany();
  await db.directoryPublication.deleteMany();
}
