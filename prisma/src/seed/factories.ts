import { randomUUID } from "node:crypto";
import { withRppsKey } from "@medimail/domain/identifiers";
import { accountSearchText, accountSortName } from "@medimail/domain/text";
import type { Account, Db, Prisma, Structure } from "../client.ts";

let sequence = 0;
const next = () => ++sequence;

/** A structure with sensible defaults; tests override what they care about. */
export function createStructure(
  db: Db,
  overrides: Partial<Prisma.StructureUncheckedCreateInput> = {},
): Promise<Structure> {
  const n = next();
  return db.structure.create({ data: { name: `Structure de test ${n}`, ...overrides } });
}

export function buildAccount(
  structureId: string,
  overrides: Partial<Prisma.AccountCreateManyInput> = {},
): Prisma.AccountCreateManyInput {
  const n = next();
  const email = (overrides.email ?? `utilisateur.${n}.${randomUUID().slice(0, 8)}@exemple.fr`).toLowerCase();
  const lastName = overrides.lastName ?? `Nom${n}`;
  const firstName = overrides.firstName ?? `Prénom${n}`;
  const rpps =
    overrides.rpps !== undefined
      ? overrides.rpps
      : overrides.type && overrides.type !== "PER"
        ? null
        : withRppsKey(`10${String(n).padStart(8, "0")}`);
  return {
    id: randomUUID(),
    structureId,
    type: "PER",
    state: "VALIDATED",
    rpps,
    profession: "10",
    regionCode: "76",
    lastActivityAt: new Date(),
    ...overrides,
    email,
    lastName,
    firstName,
    sortName: accountSortName({ lastName, firstName }),
    searchText: accountSearchText({
      email,
      lastName,
      firstName,
      rpps,
      adeli: overrides.adeli ?? null,
    }),
  };
}

export async function createAccount(
  db: Db,
  structureId: string,
  overrides: Partial<Prisma.AccountCreateManyInput> = {},
): Promise<Account> {
  const data = buildAccount(structureId, overrides);
  return db.account.create({ data: data as Prisma.AccountUncheckedCreateInput });
}

/** Many accounts in one statement (createMany), for volume tests. */
export async function createAccounts(
  db: Db,
  structureId: string,
  count: number,
  overrides: (index: number) => Partial<Prisma.AccountCreateManyInput> = () => ({}),
): Promise<Prisma.AccountCreateManyInput[]> {
  const rows = Array.from({ length: count }, (_, index) => buildAccount(structureId, overrides(index)));
  for (let i = 0; i < rows.length; i += 1000) await db.account.createMany({ data: rows.slice(i, i + 1000) });
  return rows;
}
