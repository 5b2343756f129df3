import { AccountListResponse } from "@medimail/contracts/accounts";
import { createAccount, createAccounts, createStructure } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { INVALID_CURSOR } from "../../lib/cursor.ts";
import {
  auditOf,
  editBody,
  mailsTo,
  newAccount,
  tokenInMail,
  uniqueEmail,
  useAccountsWorld,
} from "./accounts.test-support.ts";

// "Gestion des utilisateurs Medimail" through the HTTP API, on a real database: creation of each type, search and
// paging, tab counts, optimistic concurrency, state actions, reminders, type and structure changes, password resets.

const { t, send, w, detail, counts } = useAccountsWorld();
const createIn = async (structureId: string, body: object, who = w.admin) => {
  const response = await send(who, "POST", `/api/structures/${structureId}/accounts`, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; state: string };
};
/** An MSSanté address for an account, as the correspondence module will create it. */
const giveMssAddress = (accountId: string, address: string) => t.db.mssAddress.create({ data: { accountId, address } });

describe("creating an account of each type", () => {
  for (const type of ["MED", "PER", "INT"] as const) {
    it(`${type}: pre-registered, with a mail carrying a single-use registration link, and audited`, async () => {
      const body = newAccount(type, { lastName: "Dupré", firstName: "Élodie" });
      const created = await createIn(w.chu, body);
      expect(created.state).toBe("PREREGISTERED");

      const account = await detail(created.id);
      expect(account).toMatchObject({
        type,
        state: "PREREGISTERED",
        version: 1,
        email: body.email,
        lastName: "Dupré",
        structure: { id: w.chu, name: "CHU de Toulouse" },
        permissions: { administer: true },
      });
      if (type === "PER") expect(account.rpps).toBe(body.nationalId);
      if (type === "INT") expect(account.finessSite).toBe(body.finessSite);

      const mails = await mailsTo(t.db, body.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toBe("Votre compte Medimail a été créé : finalisez votre inscription");
      expect(mails[0]?.text).toContain("Bonjour Élodie Dupré");
      expect(mails[0]?.text).toContain("CHU de Toulouse");
      const token = tokenInMail(mails[0]?.text ?? "", "/inscription/finaliser");
      const [id] = token.split(".");
      const code = await t.db.oneTimeCode.findUniqueOrThrow({ where: { id } });
      expect(code).toMatchObject({ accountId: created.id, purpose: "REGISTRATION", consumedAt: null });
      // a week, and the mail says so
      const days = (code.expiresAt.getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThanOrEqual(7);
      expect(mails[0]?.text).toContain("valable 7 jours");
      // the secret itself is never stored
      expect(code.codeHash).not.toContain(token.split(".")[1]);

      const [event] = await auditOf(t.db, created.id);
      expect(event).toMatchObject({ action: "account.created", actorLabel: w.adminEmail, structureId: w.chu });
      expect(event?.after).toMatchObject({ type, email: body.email, state: "PREREGISTERED", lastName: "Dupré" });
    });
  }

  it("ORG: validated at once, with its connection accounts, responsible and description; no mail", async () => {
    const per = await createIn(w.chu, newAccount("PER"));
    const med = await createIn(w.chu, newAccount("MED"));
    const [perEmail, medEmail] = [(await detail(per.id)).email, (await detail(med.id)).email];
    const body = newAccount("ORG", { connectionAccounts: [perEmail, medEmail.toUpperCase()] });
    const created = await createIn(w.chu, body);
    expect(created.state).toBe("VALIDATED");
    const org = await detail(created.id);
    expect(org).toMatchObject({
      type: "ORG",
      state: "VALIDATED",
      finessSite: body.finessSite,
      description: "Secrétariat de cardiologie",
      responsible: { lastName: "Durand", firstName: "Paul", profession: "10", rpps: "10101234564" },
    });
    expect(org.connectionAccounts.map((c) => c.email).sort()).toEqual([perEmail, medEmail].sort());
    // the individual account sees the mailbox among its linked mailboxes
    expect((await detail(per.id)).linkedMailboxes).toEqual([
      expect.objectContaining({ accountId: created.id, email: body.email, isDefault: false, type: "ORG" }),
    ]);
    expect(await mailsTo(t.db, body.email)).toEqual([]);
    expect((await auditOf(t.db, created.id))[0]?.after).toMatchObject({
      state: "VALIDATED",
      connectionAccounts: [perEmail, medEmail],
    });
  });

  it("ORG: refuses connection accounts that do not exist, are shared mailboxes, rejected, or itself, by position", async () => {
    const org = await createIn(w.chu, newAccount("ORG", { connectionAccounts: [(await someIndividual()).email] }));
    const orgEmail = (await detail(org.id)).email;
    const rejected = await createAccount(t.db, w.chu, { type: "MED", state: "REJECTED", previousState: "VALIDATED" });
    const valid = (await someIndividual()).email;
    const body = newAccount("ORG");
    const response = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, {
      ...body,
      connectionAccounts: [valid, "personne@exemple.fr", orgEmail, rejected.email, body.email],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([
      {
        path: "body.connectionAccounts.1",
        message: "Aucun compte MED, PER ou INT de votre périmètre n'a l'adresse personne@exemple.fr",
      },
      {
        path: "body.connectionAccounts.2",
        message: `${orgEmail} est un compte ORG : seuls MED, PER et INT se connectent`,
      },
      { path: "body.connectionAccounts.3", message: `Le compte ${rejected.email} est rejeté` },
      {
        path: "body.connectionAccounts.4",
        message: `Aucun compte MED, PER ou INT de votre périmètre n'a l'adresse ${body.email}`,
      },
    ]);
    expect(await t.db.account.count({ where: { email: body.email } })).toBe(0);
  });

  it("APP: the return address must be the MSSanté address of a PER, ORG or INT mailbox", async () => {
    const per = await createAccount(t.db, w.chu, { type: "PER" });
    await giveMssAddress(per.id, "jeanne.martin@chu-toulouse.mssante.fr");
    const app = await createAccount(t.db, w.chu, { type: "APP" });
    await giveMssAddress(app.id, "noreply.labo@chu-toulouse.mssante.fr");
    const connection = [(await someIndividual()).email];

    const unknown = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, {
      ...newAccount("APP", { connectionAccounts: connection, returnAddress: "personne@chu-toulouse.mssante.fr" }),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details).toEqual([
      { path: "body.returnAddress", message: "Aucune boîte PER, ORG ou INT n'a cette adresse MSSanté" },
    ]);
    const ofAnApp = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, {
      ...newAccount("APP", { connectionAccounts: connection, returnAddress: "noreply.labo@chu-toulouse.mssante.fr" }),
    });
    expect(ofAnApp.statusCode).toBe(400);
    expect(ofAnApp.json().details).toEqual([
      {
        path: "body.returnAddress",
        message: "Cette adresse MSSanté est celle d'un compte APP : il faut celle d'un compte PER, ORG ou INT",
      },
    ]);
    const notMss = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, {
      ...newAccount("APP", { connectionAccounts: connection, returnAddress: per.email }),
    });
    expect(notMss.statusCode).toBe(400);
    expect(notMss.json().details[0].path).toBe("body.returnAddress");

    const body = newAccount("APP", {
      connectionAccounts: connection,
      returnAddress: "Jeanne.Martin@chu-toulouse.mssante.fr",
    });
    const created = await createIn(w.chu, body);
    expect(created.state).toBe("VALIDATED");
    expect((await detail(created.id)).returnAddress).toBe("jeanne.martin@chu-toulouse.mssante.fr");
  });

  it("refuses an address already used by an account, whatever its case, or asked by a pending change", async () => {
    const existing = await createAccount(t.db, w.castres, { type: "MED" });
    const before = await t.db.account.count();
    for (const email of [existing.email, existing.email.toUpperCase()]) {
      const response = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, newAccount("MED", { email }));
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([
        { path: "body.email", message: "Cette adresse est déjà celle d'un compte Medimail" },
      ]);
    }
    const asked = uniqueEmail("demandee");
    await t.db.emailChangeRequest.create({
      data: { accountId: existing.id, oldEmail: existing.email, newEmail: asked },
    });
    const pending = await send(
      w.admin,
      "POST",
      `/api/structures/${w.chu}/accounts`,
      newAccount("PER", { email: asked }),
    );
    expect(pending.statusCode).toBe(400);
    expect(pending.json().details).toEqual([
      { path: "body.email", message: "Cette adresse est demandée par un changement d'adresse en attente" },
    ]);
    expect(await t.db.account.count()).toBe(before);
  });

  it("takes the structure's address when none is given, and keeps the one given", async () => {
    const defaulted = await detail((await createIn(w.chu, newAccount("MED"))).id);
    expect(defaulted).toMatchObject({ addressLine: "2 rue Viguerie", postcode: "31059", city: "Toulouse" });
    const own = await detail(
      (
        await createIn(
          w.chu,
          newAccount("PER", { addressLine: "5 allée des Pins", postcode: "31400", city: "Toulouse" }),
        )
      ).id,
    );
    expect(own).toMatchObject({ addressLine: "5 allée des Pins", postcode: "31400", city: "Toulouse" });
    const inPurpan = await detail((await createIn(w.purpan, newAccount("INT"))).id);
    expect(inPurpan).toMatchObject({ addressLine: "Place du Docteur Baylac", postcode: "31300" });
  });

  it("creates in a daughter for a mother's administrator, never outside the caller's scope", async () => {
    expect((await send(w.admin, "POST", `/api/structures/${w.purpan}/accounts`, newAccount("MED"))).statusCode).toBe(
      201,
    );
    const before = await t.db.account.count();
    for (const [who, structureId] of [
      [w.admin, w.castres],
      [w.purpanAdmin, w.chu],
      [w.admin, w.root],
    ] as const) {
      const response = await send(who, "POST", `/api/structures/${structureId}/accounts`, newAccount("MED"));
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe("NOT_FOUND");
    }
    expect(await t.db.account.count()).toBe(before);
  });

  it("answers a validation error of the form with the field's path and its French message", async () => {
    const response = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, {
      ...newAccount("PER"),
      nationalId: "123",
      lastName: "x".repeat(101),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual(
      expect.arrayContaining([
        { path: "body.lastName", message: "100 caractères au plus" },
        { path: "body.nationalId", message: "Identifiant attendu : RPPS (11 chiffres) ou ADELI (9 chiffres)" },
      ]),
    );
  });
});

/** A validated individual account of the CHU, to connect to shared mailboxes. */
const someIndividual = () => createAccount(t.db, w.chu, { type: "PER" });

describe("reading an account", () => {
  it("shows it to support read-only, and nowhere outside the caller's scope", async () => {
    const account = await createAccount(t.db, w.purpan, { type: "MED" });
    expect((await detail(account.id, w.support)).permissions).toEqual({ administer: false, restriction: null });
    expect((await detail(account.id, w.purpanAdmin)).permissions).toEqual({ administer: true, restriction: null });
    for (const who of [w.castresAdmin]) {
      const response = await send(who, "GET", `/api/accounts/${account.id}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().message).toBe("Compte introuvable");
    }
    expect((await send(w.admin, "GET", `/api/accounts/${crypto.randomUUID()}`)).statusCode).toBe(404);
    expect((await send(w.admin, "GET", "/api/accounts/pas-un-uuid")).statusCode).toBe(400);
  });
});

describe("search", () => {
  let search: string;
  let daughter: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    search = (await createStructure(t.db, { name: "Clinique de la recherche", parentId: w.chu })).id;
    daughter = (await createStructure(t.db, { name: "Annexe de la recherche", parentId: search })).id;
    const make = async (key: string, structureId: string, fields: Parameters<typeof createAccount>[2]) => {
      ids[key] = (await createAccount(t.db, structureId, fields)).id;
    };
    await make("dupre", search, { lastName: "Dupré", firstName: "Élodie", email: "e.dupre@clinique.fr" });
    await make("dupont", search, {
      lastName: "DUPONT",
      firstName: "elodie",
      email: "elodie.dupont@clinique.fr",
      type: "MED",
      state: "PREREGISTERED",
    });
    await make("rpps", search, {
      lastName: "Martin",
      firstName: "Zoé",
      email: "zm@clinique.fr",
      rpps: "10987654323",
      state: "PENDING_VALIDATION",
    });
    await make("adeli", search, {
      lastName: "Bernard",
      firstName: "Luc",
      email: "lb@clinique.fr",
      rpps: null,
      adeli: "319876543",
      type: "INT",
      state: "REJECTED",
      previousState: "VALIDATED",
    });
    await make("underscore", search, { lastName: "Garcia", firstName: "Ana", email: "ana_garcia@clinique.fr" });
    await make("letter", search, { lastName: "Garcia", firstName: "Anna", email: "anaxgarcia@clinique.fr" });
    await make("percent", search, {
      lastName: "Cent%",
      firstName: "Pour",
      email: "pour.cent@clinique.fr",
      type: "ORG",
    });
    await make("nopercent", search, { lastName: "Centaure", firstName: "Pour", email: "centaure@clinique.fr" });
    await make("inDaughter", daughter, { lastName: "Dupuis", firstName: "Élodie", email: "e.dupuis@annexe.fr" });
  });

  const list = async (query: string, structureId = search, who = w.admin) => {
    const response = await send(who, "GET", `/api/structures/${structureId}/accounts?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return AccountListResponse.parse(response.json());
  };
  const found = async (query: string, structureId = search) =>
    (await list(query, structureId)).items.map((item) => Object.keys(ids).find((key) => ids[key] === item.id)).sort();

  it("finds by name, first name, email, RPPS and ADELI, without accents or case", async () => {
    expect(await found("q=dupre")).toEqual(["dupre"]);
    expect(await found("q=DUPRÉ")).toEqual(["dupre"]);
    expect(await found("q=%C3%A9lodie")).toEqual(["dupont", "dupre"]); // "élodie"
    expect(await found("q=ELODIE")).toEqual(["dupont", "dupre"]);
    expect(await found("q=zm%40clinique")).toEqual(["rpps"]);
    expect(await found("q=10987654323")).toEqual(["rpps"]);
    expect(await found("q=109876")).toEqual(["rpps"]);
    expect(await found("q=98765")).toEqual(["adeli", "rpps"]);
    expect(await found("q=319876543")).toEqual(["adeli"]);
    expect(await found("q=zoe")).toEqual(["rpps"]);
    expect(await found("q=nobody")).toEqual([]);
  });

  it("needs every word, in any order", async () => {
    expect(await found("q=elodie+dup")).toEqual(["dupont", "dupre"]);
    expect(await found("q=dupont+%C3%89LODIE")).toEqual(["dupont"]);
    expect(await found("q=++elodie+++dupre++")).toEqual(["dupre"]);
    expect(await found("q=elodie+martin")).toEqual([]);
  });

  it("reads % and _ literally", async () => {
    expect(await found("q=ana_garcia")).toEqual(["underscore"]);
    expect(await found("q=_")).toEqual(["underscore"]);
    expect(await found("q=cent%25")).toEqual(["percent"]);
    expect(await found("q=%25")).toEqual(["percent"]);
    expect(await found("q=%5C")).toEqual([]); // a backslash
  });

  it("filters by state and type, together with the text", async () => {
    expect(await found("state=PENDING_VALIDATION")).toEqual(["rpps"]);
    expect(await found("state=REJECTED")).toEqual(["adeli"]);
    expect(await found("state=PREREGISTERED")).toEqual(["dupont"]);
    expect(await found("type=INT")).toEqual(["adeli"]);
    expect(await found("type=ORG")).toEqual(["percent"]);
    expect(await found("type=MED&q=elodie")).toEqual(["dupont"]);
    expect(await found("type=PER&state=VALIDATED&q=garcia")).toEqual(["letter", "underscore"]);
    const rejected = (await list("state=REJECTED")).items[0];
    expect(rejected).toMatchObject({ state: "REJECTED", previousState: "VALIDATED", adeli: "319876543" });
  });

  it("includes the daughters' accounts only when asked, with their structure's name", async () => {
    expect(await found("q=elodie")).toEqual(["dupont", "dupre"]);
    expect(await found("q=elodie&daughters=false")).toEqual(["dupont", "dupre"]);
    expect(await found("q=elodie&daughters=true")).toEqual(["dupont", "dupre", "inDaughter"]);
    const item = (await list("q=dupuis&daughters=true")).items[0];
    expect(item).toMatchObject({ structureId: daughter, structureName: "Annexe de la recherche" });
    // and from the mother of the mother
    expect(await found("q=dupuis&daughters=true", w.chu)).toEqual(["inDaughter"]);
  });

  it("sorts by name, email or creation date, both ways", async () => {
    const names = (await list("sort=name")).items.map((item) => item.lastName);
    expect(names.indexOf("Bernard")).toBeLessThan(names.indexOf("Martin"));
    expect(names.indexOf("Dupré")).toBeLessThan(names.indexOf("Garcia"));
    const emails = (await list("sort=email&order=desc")).items.map((item) => item.email);
    expect(emails.indexOf("zm@clinique.fr")).toBe(0);
    for (const sort of ["name", "email", "createdAt"]) {
      const asc = (await list(`sort=${sort}&order=asc`)).items.map((item) => item.id);
      const desc = (await list(`sort=${sort}&order=desc`)).items.map((item) => item.id);
      expect(asc).toHaveLength(8);
      expect(desc).toEqual([...asc].reverse());
    }
    const byDate = (await list("sort=createdAt")).items.map((item) => item.createdAt);
    expect([...byDate].sort()).toEqual(byDate);
  });

  it("is not reachable outside the caller's scope", async () => {
    const response = await send(w.castresAdmin, "GET", `/api/structures/${search}/accounts`);
    expect(response.statusCode).toBe(404);
    expect((await list("q=elodie", search, w.support)).items).toHaveLength(2);
  });

  it("refuses a cursor it did not write", async () => {
    const forged = [
      "garbage",
      Buffer.from(JSON.stringify([1, 2])).toString("base64url"),
      Buffer.from(JSON.stringify(["a", "pas-un-uuid"])).toString("base64url"),
      Buffer.from(JSON.stringify(["a"])).toString("base64url"),
    ];
    for (const after of forged) {
      const response = await send(w.admin, "GET", `/api/structures/${search}/accounts?after=${after}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([{ path: "querystring.after", message: INVALID_CURSOR }]);
    }
    // a cursor of the name sort given to the date sort, or an impossible date, is no cursor either
    for (const value of ["dupre elodie", "2026-02-30T10:00:00.000", "2026-11-26 10:00:00"]) {
      const cursor = Buffer.from(JSON.stringify([value, crypto.randomUUID()])).toString("base64url");
      const response = await send(w.admin, "GET", `/api/structures/${search}/accounts?sort=createdAt&after=${cursor}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([{ path: "querystring.after", message: INVALID_CURSOR }]);
    }
    const valid = Buffer.from(JSON.stringify(["2026-02-28T10:00:00.000", crypto.randomUUID()])).toString("base64url");
    expect(
      (await send(w.admin, "GET", `/api/structures/${search}/accounts?sort=createdAt&after=${valid}`)).statusCode,
    ).toBe(200);
  });
});

describe("keyset paging", () => {
  let structureId: string;
  const total = 120;

  beforeAll(async () => {
    structureId = (await createStructure(t.db, { name: "Clinique des homonymes", parentId: w.chu })).id;
    // one statement: every row has the same creation date; 40 share one name, 40 another
    await createAccounts(t.db, structureId, total, (i) => ({
      lastName: i < 40 ? "Martin" : i < 80 ? "Durand" : `Nom${String(i).padStart(3, "0")}`,
      firstName: i < 80 ? "Jean" : "Marie",
      email: `homonyme.${String(i).padStart(3, "0")}@clinique.fr`,
      state: i % 3 === 0 ? "PREREGISTERED" : "VALIDATED",
    }));
  });

  const walk = async (query: string, limit = 50) => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/structures/${structureId}/accounts?${query}&limit=${limit}${after ? `&after=${after}` : ""}`;
      const response = await send(w.admin, "GET", url);
      expect(response.statusCode, response.body).toBe(200);
      const page = AccountListResponse.parse(response.json());
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((item) => item.id));
      after = page.nextCursor;
      pages++;
      expect(pages).toBeLessThan(20);
    } while (after);
    return { seen, pages };
  };

  for (const sort of ["name", "email", "createdAt"] as const) {
    for (const order of ["asc", "desc"] as const) {
      it(`walks every row exactly once, sorted by ${sort} ${order}, ties included`, async () => {
        const { seen, pages } = await walk(`sort=${sort}&order=${order}`);
        expect(pages).toBe(3);
        expect(seen).toHaveLength(total);
        expect(new Set(seen).size).toBe(total);
        // the same order as one page holding everything
        const all = await send(
          w.admin,
          "GET",
          `/api/structures/${structureId}/accounts?sort=${sort}&order=${order}&limit=200`,
        );
        expect(AccountListResponse.parse(all.json()).items.map((item) => item.id)).toEqual(seen);
      });
    }
  }

  it("pages a filtered list too, and answers no cursor on the last page", async () => {
    const { seen } = await walk("state=PREREGISTERED&sort=name", 7);
    expect(seen).toHaveLength(40);
    const last = await send(w.admin, "GET", `/api/structures/${structureId}/accounts?limit=120`);
    expect(AccountListResponse.parse(last.json()).nextCursor).toBeNull();
    const exact = await send(w.admin, "GET", `/api/structures/${structureId}/accounts?limit=119`);
    expect(AccountListResponse.parse(exact.json()).nextCursor).not.toBeNull();
  });
});

describe("counts per tab", () => {
  it("counts each state, with or without the daughters, and follows the state changes", async () => {
    const mother = (await createStructure(t.db, { name: "Mère des compteurs", parentId: w.chu })).id;
    const daughter = (await createStructure(t.db, { name: "Fille des compteurs", parentId: mother })).id;
    expect(await counts(mother)).toEqual({
      VALIDATED: 0,
      PENDING_VALIDATION: 0,
      PREREGISTERED: 0,
      REJECTED: 0,
      emailChanges: 0,
    });
    const pending = await createAccount(t.db, mother, { state: "PENDING_VALIDATION" });
    await createAccount(t.db, mother, { state: "VALIDATED" });
    await createAccount(t.db, daughter, { state: "VALIDATED" });
    const preregistered = await createIn(mother, newAccount("MED"));
    await createIn(daughter, newAccount("ORG", { connectionAccounts: [pending.email] }));
    expect(await counts(mother)).toMatchObject({ VALIDATED: 1, PENDING_VALIDATION: 1, PREREGISTERED: 1, REJECTED: 0 });
    expect(await counts(mother, true)).toMatchObject({ VALIDATED: 3, PENDING_VALIDATION: 1, PREREGISTERED: 1 });

    await send(w.admin, "POST", `/api/accounts/${pending.id}/validate`, { version: 1 });
    expect(await counts(mother)).toMatchObject({ VALIDATED: 2, PENDING_VALIDATION: 0 });
    await send(w.admin, "POST", `/api/accounts/${preregistered.id}/reject`, { version: 1 });
    expect(await counts(mother)).toMatchObject({ VALIDATED: 2, PREREGISTERED: 0, REJECTED: 1 });
    await send(w.admin, "POST", `/api/accounts/${preregistered.id}/rehabilitate`, { version: 2 });
    expect(await counts(mother)).toMatchObject({ PREREGISTERED: 1, REJECTED: 0 });
    // moving an account moves its count
    await send(w.admin, "PUT", `/api/accounts/${preregistered.id}/structure`, { version: 3, structureId: daughter });
    expect(await counts(mother)).toMatchObject({ VALIDATED: 2, PREREGISTERED: 0 });
    expect(await counts(daughter)).toMatchObject({ VALIDATED: 2, PREREGISTERED: 1 });
    expect(await counts(mother, true)).toMatchObject({ VALIDATED: 4, PREREGISTERED: 1, PENDING_VALIDATION: 0 });

    // the tab counts equal what the lists hold
    for (const state of ["VALIDATED", "PENDING_VALIDATION", "PREREGISTERED", "REJECTED"] as const) {
      const listed = await send(w.admin, "GET", `/api/structures/${mother}/accounts?state=${state}&daughters=true`);
      expect(AccountListResponse.parse(listed.json()).items).toHaveLength((await counts(mother, true))[state]);
    }
    expect((await send(w.castresAdmin, "GET", `/api/structures/${mother}/accounts/counts`)).statusCode).toBe(404);
  });
});

describe("optimistic concurrency", () => {
  it("keeps the first of two concurrent edits and answers 409 to the second, which changes nothing", async () => {
    const { id } = await createIn(w.chu, newAccount("PER", { lastName: "Avant" }));
    const seenByFirst = await detail(id, w.admin);
    const seenBySecond = await detail(id, w.admin2);
    expect(seenByFirst.version).toBe(1);
    expect(seenBySecond.version).toBe(1);

    const first = await send(w.admin, "PUT", `/api/accounts/${id}`, {
      ...editBody(seenByFirst, { lastName: "Premier", nationalId: "11000000015" }),
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ version: 2 });
    const second = await send(w.admin2, "PUT", `/api/accounts/${id}`, {
      ...editBody(seenBySecond, { lastName: "Second", nationalId: "11000000023", city: "Albi" }),
    });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: "CONFLICT" });
    expect(second.json().message).toContain("modifié par quelqu'un d'autre");

    const now = await detail(id);
    expect(now).toMatchObject({ version: 2, lastName: "Premier", rpps: "11000000015" });
    expect(now.city).not.toBe("Albi");
    const events = (await auditOf(t.db, id)).filter((event) => event.action === "account.updated");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorLabel: w.adminEmail });
    expect(events[0]?.before).toMatchObject({ lastName: "Avant" });
    expect(events[0]?.after).toMatchObject({ lastName: "Premier" });

    // reloaded, the second admin's edit goes through
    const retry = await send(w.admin2, "PUT", `/api/accounts/${id}`, {
      ...editBody(now, { lastName: "Second", nationalId: "11000000023" }),
    });
    expect(retry.statusCode).toBe(200);
    expect((await detail(id)).lastName).toBe("Second");
  });

  it("refuses to validate or reject with a stale version", async () => {
    const account = await createAccount(t.db, w.chu, { state: "PENDING_VALIDATION" });
    const seen = await detail(account.id);
    const edited = await send(
      w.admin2,
      "PUT",
      `/api/accounts/${account.id}`,
      editBody(seen, { nationalId: "11000000031" }),
    );
    expect(edited.statusCode).toBe(200);
    for (const action of ["validate", "reject"]) {
      const response = await send(w.admin, "POST", `/api/accounts/${account.id}/${action}`, { version: seen.version });
      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe("CONFLICT");
    }
    const after = await detail(account.id);
    expect(after).toMatchObject({ state: "PENDING_VALIDATION", version: 2 });
    expect(await mailsTo(t.db, account.email)).toEqual([]);
    const moved = await send(w.admin, "PUT", `/api/accounts/${account.id}/structure`, {
      version: 1,
      structureId: w.purpan,
    });
    expect(moved.statusCode).toBe(409);
    expect((await detail(account.id)).structure.id).toBe(w.chu);
  });

  it("lets only one of two simultaneous actions on the same version through", async () => {
    const account = await createAccount(t.db, w.chu, { state: "PENDING_VALIDATION" });
    const results = await Promise.all([
      send(w.admin, "POST", `/api/accounts/${account.id}/validate`, { version: 1 }),
      send(w.admin2, "POST", `/api/accounts/${account.id}/reject`, { version: 1 }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const final = await detail(account.id);
    expect(final.version).toBe(2);
    const events = (await auditOf(t.db, account.id)).map((e) => e.action);
    expect(events).toHaveLength(1);
  });
});

describe("state actions", () => {
  it("validates an account waiting for validation, mails its holder and audits it", async () => {
    const account = await createAccount(t.db, w.chu, { state: "PENDING_VALIDATION" });
    const response = await send(w.admin, "POST", `/api/accounts/${account.id}/validate`, { version: 1 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ state: "VALIDATED", version: 2 });
    expect(await detail(account.id)).toMatchObject({ state: "VALIDATED", previousState: null, version: 2 });
    const mails = await mailsTo(t.db, account.email);
    expect(mails.map((mail) => mail.subject)).toEqual(["Votre compte Medimail est validé"]);
    const [event] = await auditOf(t.db, account.id);
    expect(event).toMatchObject({ action: "account.validated", actorLabel: w.adminEmail });
    expect(event?.before).toEqual({ state: "PENDING_VALIDATION", previousState: null });
    expect(event?.after).toEqual({ state: "VALIDATED", previousState: null });
  });

  it("refuses to validate from any other state, with the reason in French", async () => {
    const cases = [
      [
        "PREREGISTERED",
        null,
        "Ce compte est préinscrit : son titulaire doit finaliser son inscription (vous pouvez le relancer).",
      ],
      ["VALIDATED", null, "Ce compte est déjà validé."],
      ["REJECTED", "PENDING_VALIDATION", "Ce compte est rejeté : réhabilitez-le d'abord."],
    ] as const;
    for (const [state, previousState, message] of cases) {
      const account = await createAccount(t.db, w.chu, { state, previousState });
      const response = await send(w.admin, "POST", `/api/accounts/${account.id}/validate`, { version: 1 });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: "CONFLICT", message });
      expect(await detail(account.id)).toMatchObject({ state, version: 1 });
      expect(await auditOf(t.db, account.id)).toEqual([]);
    }
  });

  for (const state of ["PREREGISTERED", "PENDING_VALIDATION", "VALIDATED"] as const) {
    it(`rejects a ${state} account keeping its state, and rehabilitation restores it`, async () => {
      const account = await createAccount(t.db, w.chu, { state });
      const rejected = await send(w.admin, "POST", `/api/accounts/${account.id}/reject`, { version: 1 });
      expect(rejected.json()).toEqual({ state: "REJECTED", version: 2 });
      const whileRejected = await detail(account.id);
      expect(whileRejected).toMatchObject({ state: "REJECTED", previousState: state });
      expect(whileRejected.rejectedAt).not.toBeNull();

      const again = await send(w.admin, "POST", `/api/accounts/${account.id}/reject`, { version: 2 });
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toBe("Ce compte est déjà rejeté.");

      const restored = await send(w.admin, "POST", `/api/accounts/${account.id}/rehabilitate`, { version: 2 });
      expect(restored.json()).toEqual({ state, version: 3 });
      expect(await detail(account.id)).toMatchObject({ state, previousState: null, rejectedAt: null });
      expect((await auditOf(t.db, account.id)).map((event) => event.action)).toEqual([
        "account.rejected",
        "account.rehabilitated",
      ]);
    });
  }

  it("refuses to rehabilitate an account that is not rejected", async () => {
    const account = await createAccount(t.db, w.chu, { state: "VALIDATED" });
    const response = await send(w.admin, "POST", `/api/accounts/${account.id}/rehabilitate`, { version: 1 });
    expect(response.statusCode).toBe(409);
    expect(response.json().message).toBe("Seul un compte rejeté peut être réhabilité.");
  });

  it("reminds a pre-registered account only: a reminder row, the date, a fresh link by mail", async () => {
    const { id } = await createIn(w.chu, newAccount("PER"));
    const email = (await detail(id)).email;
    const response = await send(w.admin, "POST", `/api/accounts/${id}/remind`);
    expect(response.statusCode).toBe(200);
    const { lastReminderAt } = response.json();
    expect(new Date(lastReminderAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await detail(id)).lastReminderAt).toBe(lastReminderAt);
    const reminders = await t.db.reminder.findMany({ where: { accountId: id } });
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.sentAt.toISOString()).toBe(lastReminderAt);

    const mails = await mailsTo(t.db, email);
    expect(mails.map((mail) => mail.subject)).toEqual([
      "Votre compte Medimail a été créé : finalisez votre inscription",
      "Rappel : finalisez votre inscription à Medimail",
    ]);
    const [first, second] = mails.map((mail) => tokenInMail(mail.text, "/inscription/finaliser"));
    expect(second).not.toBe(first);
    expect((await auditOf(t.db, id)).map((event) => event.action)).toEqual(["account.created", "account.reminded"]);

    // a second reminder, a minute later, is another mail (another event), not a duplicate swallowed by the outbox
    await t.db.account.update({ where: { id }, data: { lastReminderAt: new Date(Date.now() - 61_000) } });
    expect((await send(w.admin, "POST", `/api/accounts/${id}/remind`)).statusCode).toBe(200);
    expect(await mailsTo(t.db, email)).toHaveLength(3);

    const validated = await createAccount(t.db, w.chu, { state: "VALIDATED" });
    const refused = await send(w.admin, "POST", `/api/accounts/${validated.id}/remind`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe("Seul un compte préinscrit peut être relancé.");
    expect(await t.db.reminder.count({ where: { accountId: validated.id } })).toBe(0);
    expect(await mailsTo(t.db, validated.email)).toEqual([]);
  });

  it("sends one reminder when Relancer is clicked twice at once: the second is refused (409), one mail", async () => {
    const { id } = await createIn(w.chu, newAccount("PER"));
    const email = (await detail(id)).email;
    const responses = await Promise.all([
      send(w.admin, "POST", `/api/accounts/${id}/remind`),
      send(w.admin, "POST", `/api/accounts/${id}/remind`),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409]);
    const refused = responses.find((response) => response.statusCode === 409);
    expect(refused?.json().message).toMatch(
      /^Cet utilisateur a été relancé à \d{2}:\d{2}:\d{2}, il y a moins d'une minute : attendez avant de le relancer à nouveau\.$/,
    );
    expect(await t.db.reminder.count({ where: { accountId: id } })).toBe(1);
    expect((await mailsTo(t.db, email)).map((mail) => mail.subject)).toEqual([
      "Votre compte Medimail a été créé : finalisez votre inscription",
      "Rappel : finalisez votre inscription à Medimail",
    ]);
    // and again a second later: still refused
    expect((await send(w.admin, "POST", `/api/accounts/${id}/remind`)).statusCode).toBe(409);
    expect(await t.db.reminder.count({ where: { accountId: id } })).toBe(1);
  });
});

describe("editing an account", () => {
  it("replaces an ORG mailbox's connection accounts, keeping the settings of those that stay", async () => {
    const [stays, leaves, arrives] = [await someIndividual(), await someIndividual(), await someIndividual()];
    const { id } = await createIn(w.chu, newAccount("ORG", { connectionAccounts: [stays.email, leaves.email] }));
    // the one that stays made this mailbox its default
    expect(
      (
        await send(w.admin, "PUT", `/api/accounts/${stays.id}/mailboxes/${id}`, {
          isDefault: true,
          receptionNotification: false,
        })
      ).statusCode,
    ).toBe(204);
    const seen = await detail(id);
    const response = await send(w.admin, "PUT", `/api/accounts/${id}`, {
      ...editBody(seen, { type: "ORG", connectionAccounts: [arrives.email, stays.email], description: "Accueil" }),
    });
    expect(response.statusCode, response.body).toBe(200);
    const now = await detail(id);
    expect(now.description).toBe("Accueil");
    expect(now.connectionAccounts.map((c) => c.accountId).sort()).toEqual([stays.id, arrives.id].sort());
    expect((await detail(stays.id)).linkedMailboxes).toEqual([
      expect.objectContaining({ accountId: id, isDefault: true, receptionNotification: false }),
    ]);
    expect((await detail(leaves.id)).linkedMailboxes).toEqual([]);
    const refused = await send(w.admin, "PUT", `/api/accounts/${id}`, {
      ...editBody(now, { type: "ORG", connectionAccounts: [seen.email] }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details[0].path).toBe("body.connectionAccounts.0");
  });

  it("edits an account in any state, rejected included, and never its email", async () => {
    const account = await createAccount(t.db, w.chu, { type: "MED", state: "REJECTED", previousState: "VALIDATED" });
    const seen = await detail(account.id);
    const response = await send(w.admin, "PUT", `/api/accounts/${account.id}`, {
      ...editBody(seen, { lastName: "Corrigé", email: "autre.adresse@exemple.fr", phone: "05 61 00 00 00" }),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(await detail(account.id)).toMatchObject({
      lastName: "Corrigé",
      email: account.email,
      phone: "0561000000",
      state: "REJECTED",
      previousState: "VALIDATED",
    });
    const outside = await createAccount(t.db, w.castres, { type: "MED" });
    const notHis = await send(w.admin, "PUT", `/api/accounts/${outside.id}`, {
      ...editBody({ ...seen, version: 1 }, { lastName: "Intrus" }),
    });
    expect(notHis.statusCode).toBe(404);
    expect((await t.db.account.findUniqueOrThrow({ where: { id: outside.id } })).lastName).toBe(outside.lastName);
  });
});

describe("changing the type of mailbox", () => {
  it("asks for the new type's fields: MED → PER needs an RPPS or ADELI", async () => {
    const { id } = await createIn(w.chu, newAccount("MED"));
    const seen = await detail(id);
    const { nationalId: _, ...withoutId } = editBody(seen, { type: "PER" });
    const missing = await send(w.admin, "PUT", `/api/accounts/${id}`, withoutId);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details).toEqual([
      { path: "body.nationalId", message: "Saisissez l'identifiant RPPS ou ADELI" },
    ]);
    expect((await detail(id)).type).toBe("MED");

    const changed = await send(
      w.admin,
      "PUT",
      `/api/accounts/${id}`,
      editBody(seen, { type: "PER", nationalId: "810012345" }),
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await detail(id)).toMatchObject({ type: "PER", adeli: "810012345", rpps: null, version: 2 });
    const event = (await auditOf(t.db, id)).find((e) => e.action === "account.type-changed");
    expect(event?.before).toMatchObject({ type: "MED", adeli: null });
    expect(event?.after).toMatchObject({ type: "PER", adeli: "810012345" });
    // the new RPPS/ADELI is searchable
    const found = await send(w.admin, "GET", `/api/structures/${w.chu}/accounts?q=810012345`);
    expect(AccountListResponse.parse(found.json()).items.map((item) => item.id)).toEqual([id]);
  });

  it("clears the fields of the old type and the links that no longer fit", async () => {
    const connector = await someIndividual();
    const { id } = await createIn(w.chu, newAccount("ORG", { connectionAccounts: [connector.email] }));
    const seen = await detail(id);
    expect(seen.connectionAccounts).toHaveLength(1);
    const response = await send(w.admin, "PUT", `/api/accounts/${id}`, editBody(seen, { type: "INT" }));
    expect(response.statusCode, response.body).toBe(200);
    const now = await detail(id);
    expect(now).toMatchObject({ type: "INT", responsible: null, description: null, returnAddress: null });
    expect(now.connectionAccounts).toEqual([]);
    expect(await t.db.connectionAccount.count({ where: { mailboxId: id } })).toBe(0);

    // an individual account that becomes shared stops connecting to other mailboxes
    const org = await createIn(w.chu, newAccount("ORG", { connectionAccounts: [connector.email] }));
    const becoming = await detail(connector.id);
    expect(becoming.linkedMailboxes.map((m) => m.accountId)).toEqual([org.id]);
    const toOrg = await send(w.admin, "PUT", `/api/accounts/${connector.id}`, {
      ...editBody(becoming, { type: "ORG", connectionAccounts: [(await someIndividual()).email] }),
    });
    expect(toOrg.statusCode, toOrg.body).toBe(200);
    expect((await detail(connector.id)).linkedMailboxes).toEqual([]);
    expect((await detail(org.id)).connectionAccounts).toEqual([]);
  });

  it("refuses MED for an account with an MSSanté address", async () => {
    const per = await createAccount(t.db, w.chu, { type: "PER" });
    await giveMssAddress(per.id, `${per.id.slice(0, 8)}.per@chu-toulouse.mssante.fr`);
    const response = await send(
      w.admin,
      "PUT",
      `/api/accounts/${per.id}`,
      editBody(await detail(per.id), { type: "MED" }),
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().message).toContain("Un compte MED n'a pas de correspondance MSSanté");
    expect(await detail(per.id)).toMatchObject({ type: "PER", version: 1 });
  });

  it("respects the structure's MSSanté quota of the new type (-1 unlimited, 0 none)", async () => {
    const structure = await createStructure(t.db, {
      name: "Clinique aux quotas",
      parentId: w.chu,
      mssDomain: "quotas.mssante.fr",
      quotaOrg: 1,
      quotaApp: 0,
      quotaPer: -1,
    });
    const existingOrg = await createAccount(t.db, structure.id, { type: "ORG" });
    await giveMssAddress(existingOrg.id, "secretariat@quotas.mssante.fr");
    const per = await createAccount(t.db, structure.id, { type: "PER" });
    await giveMssAddress(per.id, "jean.dupont@quotas.mssante.fr");
    const connector = await someIndividual();
    const seen = await detail(per.id);

    const toOrg = await send(w.admin, "PUT", `/api/accounts/${per.id}`, {
      ...editBody(seen, { type: "ORG", connectionAccounts: [connector.email] }),
    });
    expect(toOrg.statusCode).toBe(409);
    expect(toOrg.json().message).toBe(
      "Changement de type impossible : le quota d'adresses MSSanté « Organisationnel » de Clinique aux quotas est atteint (1 sur 1).",
    );
    const toApp = await send(w.admin, "PUT", `/api/accounts/${per.id}`, {
      ...editBody(seen, {
        type: "APP",
        connectionAccounts: [connector.email],
        returnAddress: "secretariat@quotas.mssante.fr",
      }),
    });
    expect(toApp.statusCode).toBe(409);
    expect(toApp.json().message).toContain("quota d'adresses MSSanté « Applicatif »");
    expect((await detail(per.id)).type).toBe("PER");

    await t.db.structure.update({ where: { id: structure.id }, data: { quotaOrg: -1 } });
    const unlimited = await send(w.admin, "PUT", `/api/accounts/${per.id}`, {
      ...editBody(seen, { type: "ORG", connectionAccounts: [connector.email] }),
    });
    expect(unlimited.statusCode, unlimited.body).toBe(200);
    expect((await detail(per.id)).type).toBe("ORG");

    // without an MSSanté address the quota is not concerned
    const plain = await createAccount(t.db, structure.id, { type: "MED" });
    const toAppPlain = await send(w.admin, "PUT", `/api/accounts/${plain.id}`, {
      ...editBody(await detail(plain.id), {
        type: "APP",
        connectionAccounts: [connector.email],
        returnAddress: "secretariat@quotas.mssante.fr",
      }),
    });
    expect(toAppPlain.statusCode, toAppPlain.body).toBe(200);
  });
});

describe("changing structure", () => {
  it("moves an account to a structure the caller administers, bumps its version and audits it", async () => {
    const { id } = await createIn(w.chu, newAccount("PER"));
    const response = await send(w.admin, "PUT", `/api/accounts/${id}/structure`, { version: 1, structureId: w.purpan });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ version: 2 });
    expect(await detail(id)).toMatchObject({ structure: { id: w.purpan, name: "Site Purpan" }, version: 2 });
    const event = (await auditOf(t.db, id)).at(-1);
    expect(event).toMatchObject({ action: "account.structure-changed", structureId: w.purpan });
    expect(event?.before).toEqual({ structureId: w.chu });
    expect(event?.after).toEqual({ structureId: w.purpan });
    // now the daughter's administrator administers it too
    expect((await detail(id, w.purpanAdmin)).permissions.administer).toBe(true);
  });

  it("never to a structure outside the caller's scope, nor an account outside it, nor to where it is", async () => {
    const { id } = await createIn(w.chu, newAccount("MED"));
    const outside = await send(w.admin, "PUT", `/api/accounts/${id}/structure`, { version: 1, structureId: w.castres });
    expect(outside.statusCode).toBe(404);
    expect(outside.json().message).toBe("Structure de destination introuvable");
    const up = await send(w.admin, "PUT", `/api/accounts/${id}/structure`, { version: 1, structureId: w.root });
    expect(up.statusCode).toBe(404);
    const notHis = await send(w.purpanAdmin, "PUT", `/api/accounts/${id}/structure`, {
      version: 1,
      structureId: w.purpan,
    });
    expect(notHis.statusCode).toBe(404);
    const same = await send(w.admin, "PUT", `/api/accounts/${id}/structure`, { version: 1, structureId: w.chu });
    expect(same.statusCode).toBe(409);
    const unknown = await send(w.admin, "PUT", `/api/accounts/${id}/structure`, {
      version: 1,
      structureId: crypto.randomUUID(),
    });
    expect(unknown.statusCode).toBe(404);
    expect(await detail(id)).toMatchObject({ structure: { id: w.chu }, version: 1 });
    expect((await auditOf(t.db, id)).map((e) => e.action)).toEqual(["account.created"]);
  });

  it("keeps an MSSanté address in its domain, and respects the destination's quota", async () => {
    const per = await createAccount(t.db, w.chu, { type: "PER" });
    await giveMssAddress(per.id, `${per.id.slice(0, 8)}.moved@chu-toulouse.mssante.fr`);
    const otherDomain = await send(w.admin, "PUT", `/api/accounts/${per.id}/structure`, {
      version: 1,
      structureId: w.purpan,
    });
    expect(otherDomain.statusCode).toBe(409);
    expect(otherDomain.json().message).toContain("appartient au domaine de sa structure actuelle");

    // two structures without their own domain: the quota of the destination decides
    const from = await createStructure(t.db, { name: "Sans domaine A", parentId: w.chu });
    const to = await createStructure(t.db, { name: "Sans domaine B", parentId: w.chu, quotaPer: 0 });
    const mover = await createAccount(t.db, from.id, { type: "PER" });
    await giveMssAddress(mover.id, `${mover.id.slice(0, 8)}.mover@ancien.mssante.fr`);
    const full = await send(w.admin, "PUT", `/api/accounts/${mover.id}/structure`, { version: 1, structureId: to.id });
    expect(full.statusCode).toBe(409);
    expect(full.json().message).toBe(
      "Changement de structure impossible : le quota d'adresses MSSanté « Personnel et personnel Interne » de Sans domaine B est atteint (0 sur 0).",
    );
    await t.db.structure.update({ where: { id: to.id }, data: { quotaPer: -1 } });
    const ok = await send(w.admin, "PUT", `/api/accounts/${mover.id}/structure`, { version: 1, structureId: to.id });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe("password reset", () => {
  it("mails a single-use link valid 24 hours, and audits the request", async () => {
    const account = await createAccount(t.db, w.chu, { type: "PER" });
    const before = Date.now();
    const response = await send(w.admin, "POST", `/api/accounts/${account.id}/password-reset`);
    expect(response.statusCode).toBe(204);
    const mails = await mailsTo(t.db, account.email);
    expect(mails.map((mail) => mail.subject)).toEqual(["Réinitialisation de votre mot de passe Medimail"]);
    const token = tokenInMail(mails[0]?.text ?? "", "/mot-de-passe/nouveau");
    const code = await t.db.oneTimeCode.findUniqueOrThrow({ where: { id: token.split(".")[0] } });
    expect(code.purpose).toBe("PASSWORD_RESET");
    const validity = code.expiresAt.getTime() - before;
    expect(validity).toBeGreaterThan(23.9 * 3_600_000);
    expect(validity).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);
    expect((await auditOf(t.db, account.id)).map((e) => e.action)).toEqual(["account.password-reset-requested"]);

    // two requests are two mails
    await send(w.admin, "POST", `/api/accounts/${account.id}/password-reset`);
    expect(await mailsTo(t.db, account.email)).toHaveLength(2);
  });

  it("refuses a rejected account", async () => {
    const account = await createAccount(t.db, w.chu, { state: "REJECTED", previousState: "VALIDATED" });
    const response = await send(w.admin, "POST", `/api/accounts/${account.id}/password-reset`);
    expect(response.statusCode).toBe(409);
    expect(await mailsTo(t.db, account.email)).toEqual([]);
  });
});

describe("read-only support", () => {
  it("gets 403 on every write and changes nothing", async () => {
    const account = await createAccount(t.db, w.chu, { type: "PER", state: "PENDING_VALIDATION" });
    const preregistered = await createAccount(t.db, w.chu, { type: "MED", state: "PREREGISTERED" });
    const seen = await detail(account.id, w.support);
    const auditsBefore = await t.db.auditEvent.count();
    const mailsBefore = await t.db.outboxMail.count();
    const writes: [string, string, object | undefined][] = [
      ["POST", `/api/structures/${w.chu}/accounts`, newAccount("MED")],
      ["PUT", `/api/accounts/${account.id}`, editBody(seen, { lastName: "Support" })],
      ["POST", `/api/accounts/${account.id}/validate`, { version: 1 }],
      ["POST", `/api/accounts/${account.id}/reject`, { version: 1 }],
      ["POST", `/api/accounts/${account.id}/rehabilitate`, { version: 1 }],
      ["POST", `/api/accounts/${preregistered.id}/remind`, undefined],
      ["PUT", `/api/accounts/${account.id}/structure`, { version: 1, structureId: w.purpan }],
      ["POST", `/api/accounts/${account.id}/password-reset`, undefined],
      ["POST", `/api/accounts/${account.id}/email-change`, { newEmail: uniqueEmail() }],
      ["POST", `/api/accounts/${account.id}/delegates`, { email: preregistered.email }],
    ];
    for (const [method, url, payload] of writes) {
      const response = await send(w.support, method as "POST", url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json().code).toBe("FORBIDDEN");
    }
    expect(await detail(account.id)).toMatchObject({
      state: "PENDING_VALIDATION",
      version: 1,
      lastName: seen.lastName,
    });
    expect(await t.db.auditEvent.count()).toBe(auditsBefore);
    expect(await t.db.outboxMail.count()).toBe(mailsBefore);
  });
});

describe("simultaneous creations", () => {
  it("creates one account for two simultaneous requests with the same address, and refuses the other on its field", async () => {
    const email = uniqueEmail("simultane");
    const results = await Promise.all(
      [w.admin, w.admin2].map((who) =>
        send(who, "POST", `/api/structures/${w.chu}/accounts`, newAccount("PER", { email })),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 400]);
    const refused = results.find((r) => r.statusCode === 400);
    expect(refused?.json().details).toEqual([
      { path: "body.email", message: "Cette adresse est déjà celle d'un compte Medimail" },
    ]);
    expect(await t.db.account.count({ where: { email } })).toBe(1);
    expect(await mailsTo(t.db, email)).toHaveLength(1);
  });
});
