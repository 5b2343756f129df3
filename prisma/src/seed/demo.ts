import { withRppsKey } from "@medimail/domain/identifiers";
import { inactivityNoticeThreshold } from "@medimail/domain/lifecycle";
import { hashPassword } from "@medimail/domain/password";
import { accountSearchText, accountSortName } from "@medimail/domain/text";
import type { AccountState, AccountType, Db, Prisma } from "../client.ts";
import { seedDemoReferential } from "./demo-referential.ts";
import { createRandom, FIRST_NAMES, LAST_NAMES, PROFESSIONS, type Random } from "./random.ts";

export const DEMO_PASSWORD = "Medimail-demo-2026";

/** Console logins of the demo, printed at start-up. */
export const DEMO_LOGINS = [
  { email: "operateur@esante-occitanie.fr", role: "opérateur GRADeS (tout le périmètre)" },
  { email: "admin.ght31@ght31.fr", role: "administrateur du GHT Haute-Garonne et de ses deux sites" },
  { email: "admin.castres@chic-cm.fr", role: "administrateur du CHIC Castres Mazamet" },
  { email: "support@esante-occitanie.fr", role: "support (lecture seule)" },
] as const;

/** The demo administrator of the GHT signs in with Pro Santé Connect (local simulation) under this identifier. */
export const DEMO_PSC_SUBJECT = "10003456786";

interface StructureSeed {
  key: string;
  name: string;
  parent: string | null;
  kind: string;
  identifierType: "FINESS" | "SIREN" | "SIRET";
  identifier: string;
  mssDomain: string | null;
  emailDomain: string;
  city: string;
  postcode: string;
  departmentCode: string;
  accounts: number;
  office365Quota?: number;
}

/** INSEE codes of the demo's communes (the Localisation block needs one to show département and région). */
const COMMUNE_CODES: Record<string, string> = { Toulouse: "31555", Castres: "81065", "Saint-Girons": "09261" };

// Identifiers below satisfy their check digits (FINESS/SIREN/SIRET Luhn).
const STRUCTURES: StructureSeed[] = [
  {
    key: "gip",
    name: "GIP e-santé Occitanie",
    parent: null,
    kind: "GRADeS",
    identifierType: "SIRET",
    identifier: "13001793500011",
    mssDomain: "esante-occitanie.mssante.fr",
    emailDomain: "esante-occitanie.fr",
    city: "Toulouse",
    postcode: "31000",
    departmentCode: "31",
    accounts: 12,
  },
  {
    key: "ght",
    name: "GHT Haute-Garonne Tarn-Ouest",
    parent: "gip",
    kind: "Groupement hospitalier de territoire",
    identifierType: "FINESS",
    identifier: "310781406",
    mssDomain: "ght31.mssante.fr",
    emailDomain: "ght31.fr",
    city: "Toulouse",
    postcode: "31059",
    departmentCode: "31",
    accounts: 20,
  },
  {
    key: "purpan",
    name: "CHU de Toulouse — Site Purpan",
    parent: "ght",
    kind: "Centre hospitalier universitaire",
    identifierType: "FINESS",
    identifier: "310783048",
    mssDomain: "chu-toulouse.mssante.fr",
    emailDomain: "chu-toulouse.fr",
    city: "Toulouse",
    postcode: "31300",
    departmentCode: "31",
    accounts: 55,
  },
  {
    key: "rangueil",
    name: "CHU de Toulouse — Site Rangueil",
    parent: "ght",
    kind: "Centre hospitalier universitaire",
    identifierType: "FINESS",
    identifier: "310783055",
    mssDomain: "rangueil.mssante.fr",
    emailDomain: "chu-toulouse.fr",
    city: "Toulouse",
    postcode: "31400",
    departmentCode: "31",
    accounts: 40,
  },
  {
    key: "castres",
    name: "CHIC Castres Mazamet",
    parent: "gip",
    kind: "Centre hospitalier",
    identifierType: "FINESS",
    identifier: "810000380",
    mssDomain: "chic-cm.mssante.fr",
    emailDomain: "chic-cm.fr",
    city: "Castres",
    postcode: "81100",
    departmentCode: "81",
    accounts: 45,
    office365Quota: 50,
  },
  {
    key: "ariege",
    name: "CH Ariège Couserans",
    parent: "gip",
    kind: "Centre hospitalier",
    identifierType: "FINESS",
    identifier: "090000159",
    mssDomain: null,
    emailDomain: "ch-ariege-couserans.fr",
    city: "Saint-Girons",
    postcode: "09200",
    departmentCode: "09",
    accounts: 25,
  },
  {
    key: "urps",
    name: "URPS Midi-Pyrénées",
    parent: "gip",
    kind: "Union régionale",
    identifierType: "SIREN",
    identifier: "732829320",
    mssDomain: null,
    emailDomain: "urps-mp.fr",
    city: "Toulouse",
    postcode: "31500",
    departmentCode: "31",
    accounts: 0,
  },
];

const TYPE_WEIGHTS: Record<AccountType, number> = { PER: 50, MED: 15, INT: 15, ORG: 12, APP: 8 };
const STATE_WEIGHTS: Record<AccountState, number> = {
  VALIDATED: 65,
  PREREGISTERED: 15,
  PENDING_VALIDATION: 10,
  REJECTED: 10,
};

function slug(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** True when the database holds no structure: the embedded default then loads the demo. */
export async function isEmpty(db: Db): Promise<boolean> {
  return (await db.structure.count()) === 0;
}

/**
 * Loads the demo: the GRADeS root, a hospital group with two sites, other structures, ~200 accounts of
 * every type and state, MSSanté addresses, a few thousand messages over the last 30 days and console logins.
 * Deterministic: the same data on every machine.
 */
export async function seedDemo(
  db: Db,
  now = new Date(),
): Promise<{ structures: number; accounts: number; messages: number }> {
  const random = createRandom(20261126);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const structureIds = new Map<string, string>();
  for (const seed of STRUCTURES) {
    const structure = await db.structure.create({
      data: {
        name: seed.name,
        parentId: seed.parent ? structureIds.get(seed.parent) : null,
        kind: seed.kind,
        identifierType: seed.identifierType,
        identifier: seed.identifier,
        phone: `05 6${random.digits(1)} ${random.digits(2)} ${random.digits(2)} ${random.digits(2)}`,
        addressLine: `${random.int(1, 120)} avenue de la République`,
        postcode: seed.postcode,
        city: seed.city,
        cityInseeCode: COMMUNE_CODES[seed.city],
        departmentCode: seed.departmentCode,
        regionCode: "76",
        mssDomain: seed.mssDomain,
        quotaPer: seed.key === "castres" ? 40 : -1,
        quotaOrg: seed.key === "castres" ? 10 : -1,
        quotaApp: seed.key === "castres" ? 5 : -1,
        office365Quota: seed.office365Quota ?? null,
        adminNotificationEmails: [`admin@${seed.emailDomain}`],
      },
    });
    structureIds.set(seed.key, structure.id);
  }
  const gipId = structureIds.get("gip") as string;
  await db.enrolmentRule.create({
    data: { structureId: structureIds.get("castres") as string, emailDomain: "chic-cm.fr" },
  });

  const usedEmails = new Set<string>();
  const accounts: Prisma.AccountCreateManyInput[] = [];
  const consoleAccount = (
    email: string,
    lastName: string,
    firstName: string,
    structureKey: string,
    platformRole: "OPERATOR" | "SUPPORT" | null,
  ) => {
    usedEmails.add(email);
    accounts.push({
      id: crypto.randomUUID(),
      structureId: structureIds.get(structureKey) as string,
      type: "MED",
      state: "VALIDATED",
      email,
      lastName,
      firstName,
      profession: "10",
      regionCode: "76",
      searchText: accountSearchText({ email, lastName, firstName }),
      sortName: accountSortName({ lastName, firstName }),
      passwordHash,
      platformRole,
      lastActivityAt: now,
    });
    return accounts[accounts.length - 1]?.id as string;
  };
  const operatorId = consoleAccount("operateur@esante-occitanie.fr", "Occitanie", "Opérateur", "gip", "OPERATOR");
  const supportId = consoleAccount("support@esante-occitanie.fr", "Support", "Centre de services", "gip", "SUPPORT");
  const ghtAdminId = consoleAccount("admin.ght31@ght31.fr", "Castaing", "Hélène", "ght", null);
  (accounts.at(-1) as Prisma.AccountCreateManyInput).pscSubject = DEMO_PSC_SUBJECT;
  const castresAdminId = consoleAccount("admin.castres@chic-cm.fr", "Azéma", "Loïc", "castres", null);

  for (const seed of STRUCTURES) {
    for (let i = 0; i < seed.accounts; i++)
      accounts.push(withInactivityNotice(buildDemoAccount(random, seed, structureIds, usedEmails, now), now));
  }
  await db.account.createMany({ data: accounts });
  await db.structureAdmin.createMany({
    data: [
      { structureId: gipId, accountId: operatorId },
      { structureId: structureIds.get("ght") as string, accountId: ghtAdminId },
      { structureId: structureIds.get("castres") as string, accountId: castresAdminId },
    ],
  });
  // Support reads the whole region (a grant on the root structure covers every descendant).
  await db.supportGrant.create({ data: { structureId: gipId, accountId: supportId } });

  // MSSanté addresses for validated PER/INT/ORG/APP accounts of structures with a domain.
  const domains = new Map(STRUCTURES.map((s) => [structureIds.get(s.key) as string, s.mssDomain]));
  const usedAddresses = new Set<string>();
  const addresses: { accountId: string; address: string; listed: boolean; structureId: string }[] = [];
  for (const account of accounts) {
    const domain = domains.get(account.structureId as string);
    if (!domain || account.type === "MED" || account.state !== "VALIDATED" || account.platformRole) continue;
    let local =
      account.type === "ORG"
        ? `secretariat-${slug(account.lastName as string)}`
        : account.type === "APP"
          ? `noreply-${slug(account.lastName as string)}`
          : `${slug(account.firstName as string)}.${slug(account.lastName as string)}`;
    for (let n = 2; usedAddresses.has(`${local}@${domain}`); n++) local = `${local.replace(/\d+$/, "")}${n}`;
    usedAddresses.add(`${local}@${domain}`);
    addresses.push({
      accountId: account.id as string,
      address: `${local}@${domain}`,
      listed: !account.unlisted,
      structureId: account.structureId as string,
    });
  }
  await db.mssAddress.createMany({
    data: addresses.map(({ accountId, address, listed }) => ({ accountId, address, listed })),
  });
  // the national referential as the ANS would list these structures and professionals (a few discrepancies)
  const addressed = new Set(addresses.map((address) => address.accountId));
  await seedDemoReferential(
    db,
    STRUCTURES.map((seed) => ({ ...seed, id: structureIds.get(seed.key) as string })),
    accounts.flatMap((account) =>
      account.type === "PER" && addressed.has(account.id as string)
        ? [
            {
              id: account.id as string,
              structureId: account.structureId as string,
              email: account.email as string,
              lastName: account.lastName as string,
              firstName: account.firstName as string,
              rpps: account.rpps ?? null,
              adeli: account.adeli ?? null,
            },
          ]
        : [],
    ),
  );

  const messages = buildDemoMessages(random, addresses, now);
  for (let i = 0; i < messages.length; i += 1000) await db.message.createMany({ data: messages.slice(i, i + 1000) });
  return { structures: STRUCTURES.length, accounts: accounts.length, messages: messages.length };
}

function buildDemoAccount(
  random: Random,
  seed: StructureSeed,
  structureIds: Map<string, string>,
  usedEmails: Set<string>,
  now: Date,
) {
  const type = random.weighted(TYPE_WEIGHTS);
  let state = random.weighted(STATE_WEIGHTS);
  // ORG/APP mailboxes are validated at creation; only a rejection moves them.
  if ((type === "ORG" || type === "APP") && state !== "REJECTED") state = "VALIDATED";
  const lastName =
    type === "ORG"
      ? random.pick(["Cardiologie", "Urgences", "Pédiatrie", "Radiologie", "Bloc opératoire", "Consultations"])
      : type === "APP"
        ? random.pick(["DPI", "Laboratoire", "Imagerie", "Pharmacie"])
        : random.pick(LAST_NAMES);
  const firstName = type === "ORG" ? "Secrétariat" : type === "APP" ? "Logiciel" : random.pick(FIRST_NAMES);
  let email = `${slug(firstName)}.${slug(lastName)}@${seed.emailDomain}`;
  for (let n = 2; usedEmails.has(email); n++) email = `${slug(firstName)}.${slug(lastName)}${n}@${seed.emailDomain}`;
  usedEmails.add(email);
  const usesRpps = random.next() < 0.8;
  // the same draws as before (the rest of the demo stays the same), the last digit replaced by the RPPS key
  const rpps = type === "PER" && usesRpps ? withRppsKey(`10${random.digits(9)}`.slice(0, 10)) : null;
  const adeli = type === "PER" && !usesRpps ? `${seed.departmentCode.padStart(2, "0")}${random.digits(7)}` : null;
  const rejected = state === "REJECTED";
  return {
    id: crypto.randomUUID(),
    structureId: structureIds.get(seed.key) as string,
    type,
    state,
    previousState: rejected
      ? type === "ORG" || type === "APP"
        ? "VALIDATED"
        : random.pick(["PREREGISTERED", "PENDING_VALIDATION", "VALIDATED"] as const)
      : null,
    email,
    lastName,
    firstName,
    profession: random.pick(PROFESSIONS),
    regionCode: "76",
    rpps,
    adeli,
    finessSite: type === "INT" || type === "ORG" || type === "APP" ? seed.identifier.slice(0, 9) : null,
    responsibleLastName: type === "ORG" || type === "APP" ? random.pick(LAST_NAMES) : null,
    responsibleFirstName: type === "ORG" || type === "APP" ? random.pick(FIRST_NAMES) : null,
    responsibleProfession: type === "ORG" || type === "APP" ? "10" : null,
    description:
      type === "ORG"
        ? `Secrétariat du service ${lastName}`
        : type === "APP"
          ? `Envoi automatique des comptes rendus (${lastName})`
          : null,
    addressLine: `${random.int(1, 120)} avenue de la République`,
    postcode: seed.postcode,
    city: seed.city,
    unlisted: random.next() < 0.05,
    searchText: accountSearchText({ email, lastName, firstName, rpps, adeli }),
    sortName: accountSortName({ lastName, firstName }),
    lastActivityAt: state === "VALIDATED" ? new Date(now.getTime() - random.int(0, 240) * 86_400_000) : null,
    rejectedAt: rejected ? new Date(now.getTime() - random.int(1, 400) * 86_400_000) : null,
    createdAt: new Date(now.getTime() - random.int(1, 900) * 86_400_000),
  } as const;
}

/**
 * As if the nightly job had run: an account idle for six months already has its notice, sent in the last three
 * weeks, so that the demo's first start neither mails notices nor deletes anyone.
 */
function withInactivityNotice<T extends { lastActivityAt: Date | null }>(account: T, now: Date) {
  const idle = account.lastActivityAt !== null && account.lastActivityAt < inactivityNoticeThreshold(now);
  const idleDays = idle ? Math.floor((now.getTime() - (account.lastActivityAt as Date).getTime()) / 86_400_000) : 0;
  return { ...account, inactivityNoticeAt: idle ? new Date(now.getTime() - (1 + (idleDays % 20)) * 86_400_000) : null };
}

/** Traffic on working days and hours, with a few big senders (the applicative mailboxes). */
function buildDemoMessages(random: Random, addresses: { address: string; structureId: string }[], now: Date) {
  const outside = [
    "secretariat@cabinet-durand.mssante.fr",
    "dr.martin@medecin.mssante.fr",
    "labo@biomed31.mssante.fr",
    "contact@patient-mail.fr",
  ];
  const bigSenders = addresses.filter((a) => a.address.startsWith("noreply"));
  const messages: {
    sentAt: Date;
    structureId: string;
    address: string;
    direction: "SENT" | "RECEIVED";
    sender: string;
    recipients: string[];
    sizeBytes: number;
    isMss: boolean;
  }[] = [];
  if (addresses.length === 0) return messages;
  for (let i = 0; i < 4000; i++) {
    const day = new Date(now.getTime() - random.int(0, 29) * 86_400_000);
    if (day.getUTCDay() === 0 || (day.getUTCDay() === 6 && random.next() < 0.8)) continue;
    day.setUTCHours(random.int(6, 16), random.int(0, 59), random.int(0, 59), 0);
    if (day > now) continue; // today's traffic stops at the time the demo is loaded
    const own = bigSenders.length > 0 && random.next() < 0.3 ? random.pick(bigSenders) : random.pick(addresses);
    const other = random.next() < 0.5 ? random.pick(addresses).address : random.pick(outside);
    const sent = random.next() < 0.55;
    messages.push({
      sentAt: day,
      structureId: own.structureId,
      address: own.address,
      direction: sent ? "SENT" : "RECEIVED",
      sender: sent ? own.address : other,
      recipients: sent ? [other] : [own.address],
      sizeBytes: random.int(2_000, 4_000_000),
      isMss: other.includes(".mssante.fr"),
    });
  }
  return messages;
}
