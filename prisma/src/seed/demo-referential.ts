// The national referential of the demo: the demo's structures and professionals as the ANS would list them, so
// that the feed report ("rapport d'alimentation") of the demo shows a realistic mix. Derived from the demo's own
// accounts (whatever names and numbers the generator drew), with a few deliberate discrepancies:
//   - one PER with an address but no RPPS/ADELI (MSS007; the e2e test fixes it),
//   - one RPPS the referential does not know (MSS008),
//   - one RPPS of a student (MSS047),
//   - one first name that differs from the referential's (MSS020),
//   - one professional who practises elsewhere (MSS033),
//   - one RPPS no longer current (MSS043).
// The sample extraction files of prisma/src/seed/referential are for the importer; this writes the rows directly.
import { accountSearchText } from "@medimail/domain/text";
import type { Db, Prisma } from "../client.ts";

interface DemoStructure {
  id: string;
  name: string;
  identifierType: "FINESS" | "SIREN" | "SIRET";
  identifier: string;
}
interface DemoPer {
  id: string;
  structureId: string;
  email: string;
  lastName: string;
  firstName: string;
  rpps: string | null;
  adeli: string | null;
}

const SIRETS: Record<string, string> = {
  "310781406": "26310000400019",
  "310783048": "26310000400027",
  "310783055": "26310000400035",
  "810000380": "26810004500015",
  "090000159": "26090001200012",
};

/** `pers`: the validated PER accounts that got an MSSanté address, in a stable order. */
export async function seedDemoReferential(
  db: Db,
  structures: DemoStructure[],
  pers: DemoPer[],
): Promise<{ professionals: number; structures: number }> {
  await db.refStructure.createMany({
    data: structures.map((structure) => ({
      identifier: structure.identifier,
      identifierType: structure.identifierType,
      name: structure.name.toUpperCase(),
      finessLegal: structure.identifierType === "FINESS" ? "310781406" : null,
      siret: structure.identifierType === "FINESS" ? (SIRETS[structure.identifier] ?? null) : null,
    })),
  });
  const byId = new Map(structures.map((structure) => [structure.id, structure]));
  const elsewhere = structures.find((structure) => structure.identifier === "810000380") as DemoStructure;
  const professionals: Prisma.RefProfessionalCreateManyInput[] = [];
  const places: Prisma.RefPracticePlaceCreateManyInput[] = [];
  const [withoutId, unknown, student, otherName, practisesElsewhere, superseded] = pers;
  if (withoutId) {
    await db.account.update({
      where: { id: withoutId.id },
      data: {
        rpps: null,
        adeli: null,
        searchText: accountSearchText({
          email: withoutId.email,
          lastName: withoutId.lastName,
          firstName: withoutId.firstName,
        }),
      },
    });
  }
  for (const account of pers) {
    if (account === withoutId || account === unknown || !(account.rpps || account.adeli)) continue;
    const nationalId = account.rpps ? `8${account.rpps}` : `0${account.adeli}`;
    professionals.push({
      nationalId,
      idType: account.rpps ? "8" : "0",
      rpps: account.rpps,
      adeli: account.rpps ? null : account.adeli,
      lastName: account.lastName.toUpperCase(),
      firstName: account === otherName ? `${account.firstName}-Marie` : account.firstName,
      professionCode: "10",
      categoryCode: account === student ? "E" : "C",
      isCurrent: account !== superseded,
    });
    const structure = account === practisesElsewhere ? elsewhere : byId.get(account.structureId);
    if (structure) {
      places.push({
        nationalId,
        structureIdentifier: structure.identifier,
        finessSite: structure.identifierType === "FINESS" ? structure.identifier : null,
        siret: structure.identifierType === "SIRET" ? structure.identifier : (SIRETS[structure.identifier] ?? null),
        name: structure.name.toUpperCase(),
      });
    }
  }
  await db.refProfessional.createMany({ data: professionals, skipDuplicates: true });
  await db.refPracticePlace.createMany({ data: places, skipDuplicates: true });
  return { professionals: professionals.length, structures: structures.length };
}
