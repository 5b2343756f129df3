import type { Db } from "@medimail/db/client";

/** An operator and the administrator of `structureId`, for benchmarks on generated data. */
export async function createConsoleAccounts(db: Db, structureId: string) {
  const operator = "operateur.bench@exemple.fr";
  const groupAdmin = "admin.bench@exemple.fr";
  await db.account.create({
    data: {
      structureId,
      type: "MED",
      state: "VALIDATED",
      email: operator,
      lastName: "Bench",
      firstName: "Opérateur",
      platformRole: "OPERATOR",
    },
  });
  const admin = await db.account.create({
    data: { structureId, type: "MED", state: "VALIDATED", email: groupAdmin, lastName: "Bench", firstName: "Admin" },
  });
  await db.structureAdmin.create({ data: { structureId, accountId: admin.id } });
  return { operator, groupAdmin };
}
