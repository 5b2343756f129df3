// Shared by the accounts module's integration tests: one structure tree with its console users, valid request
// bodies for each mailbox type, and readers of what the API left behind (mails in the outbox, audit events).
import { AccountCounts, AccountDetail, type CreateAccountInput } from "@medimail/contracts/accounts";
import type { Db } from "@medimail/db/client";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { luhnCheckDigit, withRppsKey } from "@medimail/domain/identifiers";
import type { InjectOptions } from "fastify";
import { beforeAll, expect } from "vitest";
import { createConsoleUser, type SignedIn, signInAs } from "../../../test/auth.ts";
import { type TestContext, useTestApp } from "../../../test/test-app.ts";

export const FINESS = `31078140${luhnCheckDigit("31078140")}`;

let sequence = 0;
/** A fresh address for each call, so that tests never collide on the unique email. */
export const uniqueEmail = (prefix = "utilisateur") => `${prefix}.${++sequence}.${Date.now() % 100_000}@exemple.fr`;

const common = {
  profession: "10",
  regionCode: "76",
  phone: "",
  addressLine: "",
  postcode: "",
  city: "",
  unlisted: false,
  notifyOnReception: true,
  notifyDailyDigest: false,
  notifyOnOpening: false,
};

/** A valid "Créer un nouvel utilisateur" body of each type. ORG/APP need existing connection accounts. */
export function newAccount(
  type: CreateAccountInput["type"],
  overrides: Record<string, unknown> = {},
): CreateAccountInput & Record<string, unknown> {
  const n = ++sequence;
  const person = { email: uniqueEmail(type.toLowerCase()), lastName: `Nom${n}`, firstName: `Prénom${n}`, ...common };
  const shared = {
    ...person,
    finessSite: FINESS,
    connectionAccounts: [],
    responsible: { lastName: "Durand", firstName: "Paul", profession: "10", rpps: "10101234564" },
    description: "Secrétariat de cardiologie",
  };
  const body = {
    MED: { type: "MED", ...person, dematerialisation: false },
    PER: {
      type: "PER",
      ...person,
      nationalId: withRppsKey(`10${String(n).padStart(8, "0")}`),
      dematerialisation: true,
    },
    INT: { type: "INT", ...person, finessSite: FINESS, dematerialisation: false },
    ORG: { type: "ORG", ...shared },
    APP: { type: "APP", ...shared, returnAddress: "secretariat@chu-toulouse.mssante.fr" },
  }[type];
  return { ...body, ...overrides } as CreateAccountInput & Record<string, unknown>;
}

/** The profile part of an account's detail, as the edit form sends it back (without the email). */
export function editBody(detail: Record<string, unknown>, changes: Record<string, unknown>) {
  const { email: _email, ...body } = newAccount((changes.type ?? detail.type) as CreateAccountInput["type"], {
    lastName: detail.lastName,
    firstName: detail.firstName,
    version: detail.version,
  });
  return { ...body, ...changes };
}

export interface World {
  /** GRADeS root; the operator's structure */
  root: string;
  /** a hospital with an MSSanté domain and an address, administered by `admin` and `admin2` */
  chu: string;
  /** a daughter of chu, with its own administrator */
  purpan: string;
  /** a sibling of chu, outside the chu administrators' scope */
  castres: string;
  operator: SignedIn;
  admin: SignedIn;
  admin2: SignedIn;
  purpanAdmin: SignedIn;
  castresAdmin: SignedIn;
  support: SignedIn;
  adminEmail: string;
  purpanAdminEmail: string;
}

/** GRADeS ─┬─ CHU de Toulouse ── Site Purpan ; └─ CHIC Castres. Console users live in the root structure. */
export async function seedWorld(db: Db): Promise<World> {
  const root = await createStructure(db, { name: "GRADeS Occitanie" });
  const chu = await createStructure(db, {
    name: "CHU de Toulouse",
    parentId: root.id,
    mssDomain: "chu-toulouse.mssante.fr",
    addressLine: "2 rue Viguerie",
    postcode: "31059",
    city: "Toulouse",
  });
  const purpan = await createStructure(db, {
    name: "Site Purpan",
    parentId: chu.id,
    mssDomain: "purpan.mssante.fr",
    addressLine: "Place du Docteur Baylac",
    postcode: "31300",
    city: "Toulouse",
  });
  const castres = await createStructure(db, { name: "CHIC Castres", parentId: root.id });

  const inRoot = { structureId: root.id };
  const operator = await createConsoleUser(db, "OPERATOR", { ...inRoot, email: "operateur@esante-occitanie.fr" });
  const support = await createConsoleUser(db, "SUPPORT", { ...inRoot, email: "support@esante-occitanie.fr" });
  // support reads CHU de Toulouse and its daughters, and nothing else
  await db.supportGrant.updateMany({ where: { accountId: support.id }, data: { structureId: chu.id } });
  // administrators are accounts of the root structure, so that the counts of the structures below are the tests'
  for (const [email, structureId] of [
    ["admin@chu-toulouse.fr", chu.id],
    ["admin2@chu-toulouse.fr", chu.id],
    ["admin@purpan.fr", purpan.id],
    ["admin@castres.fr", castres.id],
  ] as const) {
    const account = await createAccount(db, root.id, { type: "MED", email });
    await db.structureAdmin.create({ data: { structureId, accountId: account.id } });
  }
  return {
    root: root.id,
    chu: chu.id,
    purpan: purpan.id,
    castres: castres.id,
    operator: await signInAs(db, operator.email),
    admin: await signInAs(db, "admin@chu-toulouse.fr"),
    admin2: await signInAs(db, "admin2@chu-toulouse.fr"),
    purpanAdmin: await signInAs(db, "admin@purpan.fr"),
    castresAdmin: await signInAs(db, "admin@castres.fr"),
    support: await signInAs(db, support.email),
    adminEmail: "admin@chu-toulouse.fr",
    purpanAdminEmail: "admin@purpan.fr",
  };
}

/** A request as a signed-in user (the session cookie and its CSRF token). */
export function requester(t: TestContext) {
  return (
    who: SignedIn,
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    payload?: object,
  ): ReturnType<TestContext["app"]["inject"]> =>
    t.app.inject({
      method,
      url,
      headers: who.headers,
      ...(payload ? { payload } : {}),
    } as InjectOptions) as ReturnType<TestContext["app"]["inject"]>;
}

/** The mails queued for an address, oldest first. */
export function mailsTo(db: Db, email: string) {
  return db.outboxMail.findMany({ where: { to: { has: email } }, orderBy: { createdAt: "asc" } });
}

/** The single-use token of the link in a mail ("…?jeton=<token>"). */
export function tokenInMail(text: string, path: "/inscription/finaliser" | "/mot-de-passe/nouveau"): string {
  const match = text.match(new RegExp(`http://localhost:3000${path}\\?jeton=(\\S+)`));
  expect(match, `a link to ${path} in the mail`).not.toBeNull();
  return decodeURIComponent(match?.[1] ?? "");
}

/** The audit events of an entity, oldest first. */
export function auditOf(db: Db, entityId: string) {
  return db.auditEvent.findMany({ where: { entityId }, orderBy: { id: "asc" } });
}

/**
 * For one test file: the app on a fresh database seeded with the `World` (filled before the file's tests run),
 * a requester, and readers of an account's page and of a structure's tab counts (both expect a 200).
 */
export function useAccountsWorld() {
  const t = useTestApp();
  const send = requester(t);
  const w = {} as World;
  beforeAll(async () => {
    Object.assign(w, await seedWorld(t.db));
  });
  const detail = async (id: string, who: SignedIn = w.admin) => {
    const response = await send(who, "GET", `/api/accounts/${id}`);
    expect(response.statusCode, response.body).toBe(200);
    return AccountDetail.parse(response.json());
  };
  const counts = async (structureId: string, daughters = false) => {
    const response = await send(
      w.admin,
      "GET",
      `/api/structures/${structureId}/accounts/counts?daughters=${daughters}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    return AccountCounts.parse(response.json());
  };
  return { t, send, w, detail, counts };
}
