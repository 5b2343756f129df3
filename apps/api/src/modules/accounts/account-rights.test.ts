import { StructureListResponse } from "@medimail/contracts/structures";
import { createAccount } from "@medimail/db/seed/factories";
import { withRppsKey } from "@medimail/domain/identifiers";
import { describe, expect, it } from "vitest";
import { TestBrowser } from "../../../test/browser.ts";
import { applyEmailChanges } from "../email-changes/email-changes.jobs.ts";
import { csvOf, importsApi, runImportsJob, validRow } from "../imports/imports.test-support.ts";
import { auditOf, editBody, mailsTo, newAccount, uniqueEmail, useAccountsWorld } from "./accounts.test-support.ts";

// Security issue, items 1, 5 and 9, as an attacker would run them: through HTTP on the built app, with the
// session of an administrator whose scope does not cover what he tries to reach.

const { t, send, w, detail } = useAccountsWorld();

const FORBIDDEN_BEYOND_SCOPE =
  "Ce compte administre une structure hors de votre périmètre : seul un opérateur, ou un administrateur de toutes les structures qu'il administre, peut le modifier.";
const FORBIDDEN_PLATFORM =
  "Ce compte est celui d'un opérateur ou du support de la plateforme : seul un opérateur peut le modifier.";

/** An account living in `home` that the operator made administrator of `administered`. */
async function administratorElsewhere(home: string, administered: string) {
  const account = await createAccount(t.db, home, { type: "MED", email: uniqueEmail("admin.ailleurs") });
  await t.db.structureAdmin.create({ data: { structureId: administered, accountId: account.id } });
  return account;
}

describe("item 1: an administrator of X cannot take over an X-homed administrator of Y", () => {
  it("refuses every change of the account to Purpan's administrator; nothing is written, nothing mailed", async () => {
    // lives in Site Purpan, administers CHIC Castres (a sibling branch): Purpan's administrator must not reach it
    const target = await administratorElsewhere(w.purpan, w.castres);
    const attacker = w.purpanAdmin;
    const before = await detail(target.id, attacker);
    expect(before.permissions).toEqual({ administer: false, restriction: FORBIDDEN_BEYOND_SCOPE });

    const attempts: [string, "POST" | "PUT", string, object | undefined][] = [
      ["email change", "POST", `/api/accounts/${target.id}/email-change`, { newEmail: uniqueEmail("pirate") }],
      ["password reset", "POST", `/api/accounts/${target.id}/password-reset`, undefined],
      ["reject", "POST", `/api/accounts/${target.id}/reject`, { version: before.version }],
      [
        "edit (and type change)",
        "PUT",
        `/api/accounts/${target.id}`,
        editBody(before, { type: "PER", nationalId: withRppsKey("1010101010"), dematerialisation: false }),
      ],
      ["delegate", "POST", `/api/accounts/${target.id}/delegates`, { email: w.purpanAdminEmail }],
    ];
    for (const [what, method, url, payload] of attempts) {
      const response = await send(attacker, method, url, payload);
      expect(response.statusCode, `${what}: ${response.body}`).toBe(403);
      expect(response.json().message, what).toBe(FORBIDDEN_BEYOND_SCOPE);
    }
    expect(await t.db.emailChangeRequest.count({ where: { accountId: target.id } })).toBe(0);
    expect(await t.db.oneTimeCode.count({ where: { accountId: target.id } })).toBe(0);
    expect(await t.db.delegation.count({ where: { accountId: target.id } })).toBe(0);
    expect(await t.db.account.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      state: "VALIDATED",
      type: "MED",
      version: before.version,
    });
    expect(await mailsTo(t.db, target.email)).toEqual([]);
  });

  it("refuses moving such an account to another structure the attacker administers", async () => {
    const target = await administratorElsewhere(w.chu, w.castres);
    const before = await detail(target.id, w.admin);
    const response = await send(w.admin, "PUT", `/api/accounts/${target.id}/structure`, {
      version: before.version,
      structureId: w.purpan,
    });
    expect(response.statusCode, response.body).toBe(403);
    expect((await t.db.account.findUniqueOrThrow({ where: { id: target.id } })).structureId).toBe(w.chu);
  });

  it("refuses editing or dropping a pending email change of such an account (made by the operator)", async () => {
    const target = await administratorElsewhere(w.chu, w.castres);
    const created = await send(w.operator, "POST", `/api/accounts/${target.id}/email-change`, {
      newEmail: uniqueEmail("nouvelle"),
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json();
    const edit = await send(w.admin, "PUT", `/api/email-changes/${id}`, { newEmail: uniqueEmail("pirate") });
    expect(edit.statusCode, edit.body).toBe(403);
    const drop = await send(w.admin, "DELETE", `/api/email-changes/${id}`);
    expect(drop.statusCode, drop.body).toBe(403);
    expect(await t.db.emailChangeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "PENDING" });
  });

  it("keeps support and operator accounts to operators", async () => {
    const support = await createAccount(t.db, w.chu, { type: "MED", platformRole: "SUPPORT" });
    await t.db.supportGrant.create({ data: { structureId: w.chu, accountId: support.id } });
    const response = await send(w.admin, "POST", `/api/accounts/${support.id}/password-reset`);
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json().message).toBe(FORBIDDEN_PLATFORM);
  });

  it("still lets an administrator change an administrator of a structure he covers (a daughter)", async () => {
    const target = await administratorElsewhere(w.chu, w.purpan);
    expect((await detail(target.id, w.admin)).permissions).toEqual({ administer: true, restriction: null });
    const response = await send(w.admin, "POST", `/api/accounts/${target.id}/password-reset`);
    expect(response.statusCode, response.body).toBe(204);
  });

  it("lets the operator do it: email change, applied at night, then reset and reject", async () => {
    const target = await administratorElsewhere(w.purpan, w.castres);
    const newEmail = uniqueEmail("changee");
    const change = await send(w.operator, "POST", `/api/accounts/${target.id}/email-change`, { newEmail });
    expect(change.statusCode, change.body).toBe(201);
    await applyEmailChanges({ db: t.db, clock: { now: () => new Date() }, batchSize: 10 } as never);
    expect((await t.db.account.findUniqueOrThrow({ where: { id: target.id } })).email).toBe(newEmail);
    expect((await send(w.operator, "POST", `/api/accounts/${target.id}/password-reset`)).statusCode).toBe(204);
    const version = (await detail(target.id, w.operator)).version;
    const reject = await send(w.operator, "POST", `/api/accounts/${target.id}/reject`, { version });
    expect(reject.statusCode, reject.body).toBe(200);
  });
});

describe("item 1: an email change is announced to the old address, which can cancel it", () => {
  const cancelToken = (text: string) => {
    const match = text.match(/http:\/\/localhost:3000\/changement-adresse\/annuler\?jeton=(\S+)/);
    expect(match, "a cancel link in the mail").not.toBeNull();
    return decodeURIComponent(match?.[1] ?? "");
  };
  const nightlyRun = () => applyEmailChanges({ db: t.db, clock: { now: () => new Date() }, batchSize: 10 } as never);

  it("mails the old address a single-use cancel link; the holder cancels, anonymously, once", async () => {
    const holder = await createAccount(t.db, w.chu, { type: "MED", firstName: "Léa", lastName: "Martin" });
    const newEmail = uniqueEmail("pirate");
    const created = await send(w.admin, "POST", `/api/accounts/${holder.id}/email-change`, { newEmail });
    expect(created.statusCode, created.body).toBe(201);
    const [notice] = await mailsTo(t.db, holder.email);
    expect(notice?.subject).toBe("Changement de votre identifiant Medimail demandé");
    expect(notice?.text).toContain(newEmail);
    const token = cancelToken(notice?.text ?? "");
    // only a hash of the secret is stored
    const stored = await t.db.emailChangeRequest.findUniqueOrThrow({ where: { id: created.json().id } });
    expect(stored.cancelTokenHash).not.toContain(token.split(".")[1]);

    const browser = new TestBrowser(t.app, "10.0.0.31");
    await browser.session();
    const forged = await browser.post("/api/email-changes/cancel", { token: `${token.split(".")[0]}.faux` });
    expect(forged.statusCode).toBe(400);
    const cancelled = await browser.post("/api/email-changes/cancel", { token });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(await t.db.emailChangeRequest.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({
      status: "CANCELLED",
      cancelTokenHash: null,
    });
    const again = await browser.post("/api/email-changes/cancel", { token });
    expect(again.statusCode).toBe(400);
    expect(again.json().message).toContain("n'est plus valable");
    expect((await auditOf(t.db, holder.id)).at(-1)).toMatchObject({
      action: "account.email-change-cancelled",
      actorLabel: "titulaire (lien d'annulation)",
    });
    // nothing left to apply at night
    await nightlyRun();
    expect((await t.db.account.findUniqueOrThrow({ where: { id: holder.id } })).email).toBe(holder.email);
  });

  it("announces an edited request again with a new link (the old one dies), and the applied change to the old address", async () => {
    const holder = await createAccount(t.db, w.chu, { type: "MED" });
    const created = await send(w.admin, "POST", `/api/accounts/${holder.id}/email-change`, {
      newEmail: uniqueEmail("premiere"),
    });
    const firstToken = cancelToken((await mailsTo(t.db, holder.email))[0]?.text ?? "");
    const newEmail = uniqueEmail("seconde");
    const edited = await send(w.admin, "PUT", `/api/email-changes/${created.json().id}`, { newEmail });
    expect(edited.statusCode, edited.body).toBe(204);
    const notices = await mailsTo(t.db, holder.email);
    expect(notices).toHaveLength(2);
    expect(notices[1]?.text).toContain(newEmail);
    const browser = new TestBrowser(t.app, "10.0.0.32");
    await browser.session();
    expect((await browser.post("/api/email-changes/cancel", { token: firstToken })).statusCode).toBe(400);

    await nightlyRun();
    expect((await t.db.account.findUniqueOrThrow({ where: { id: holder.id } })).email).toBe(newEmail);
    const afterNight = await mailsTo(t.db, holder.email);
    expect(afterNight).toHaveLength(3);
    expect(afterNight[2]?.text).toContain(`n'est plus ${holder.email} : il est désormais ${newEmail}`);
    // once applied, the link cancels nothing
    const lastToken = cancelToken(notices[1]?.text ?? "");
    expect((await browser.post("/api/email-changes/cancel", { token: lastToken })).statusCode).toBe(400);
  });
});

describe("item 1 through an import: a loaduser file cannot change an administrator of another structure", () => {
  it("rejects the row of such an account (found by its email), applies the others, and leaves it untouched", async () => {
    const imports = importsApi(t);
    const target = await administratorElsewhere(w.chu, w.castres);
    const plain = await createAccount(t.db, w.chu, { type: "MED", rpps: null });
    const file = csvOf([
      validRow("MED", { email: target.email, lastName: "Pirate" }),
      validRow("MED", { email: plain.email, lastName: "Ordinaire" }),
    ]);
    const dryRun = await imports.dryRun(w.admin, w.chu, file, "admins.csv");
    expect(dryRun.dryRun).toEqual({ create: 0, update: 1, unchanged: 0, rejected: 1 });
    const { items } = await imports.errors(w.admin, w.chu, dryRun.id);
    expect(items[0]).toMatchObject({ column: "Adresse mail", value: target.email });
    expect(items[0]?.reason).toContain("l'import ne peut pas le modifier");
    expect((await imports.apply(w.admin, w.chu, dryRun.id, false)).statusCode).toBe(202);
    await runImportsJob(t.db);
    expect((await t.db.account.findUniqueOrThrow({ where: { id: target.id } })).lastName).toBe(target.lastName);
    expect((await t.db.account.findUniqueOrThrow({ where: { id: plain.id } })).lastName).toBe("Ordinaire");
  });

  it("refuses a connection account outside the import's structure as unknown", async () => {
    const imports = importsApi(t);
    const outside = await createAccount(t.db, w.chu, { type: "MED" });
    const file = csvOf([validRow("ORG", { connectionAccounts: outside.email })]);
    const dryRun = await imports.dryRun(w.castresAdmin, w.castres, file, "org.csv");
    expect(dryRun.dryRun).toMatchObject({ create: 0, rejected: 1 });
    const { items } = await imports.errors(w.castresAdmin, w.castres, dryRun.id);
    expect(items[0]?.reason).toBe(`Aucun compte MED, PER ou INT de votre périmètre n'a l'adresse ${outside.email}`);
  });
});

describe("item 5: delegates and connection accounts are found only within the caller's scope", () => {
  it("answers for an address outside the scope exactly as for an address nobody has, and links nothing", async () => {
    const mailbox = await createAccount(t.db, w.castres, { type: "MED" });
    const outside = await createAccount(t.db, w.chu, { type: "MED", lastName: "Secret", firstName: "Nom" });
    const outsideAnswer = await send(w.castresAdmin, "POST", `/api/accounts/${mailbox.id}/delegates`, {
      email: outside.email,
    });
    const nobodyAnswer = await send(w.castresAdmin, "POST", `/api/accounts/${mailbox.id}/delegates`, {
      email: uniqueEmail("personne"),
    });
    expect(nobodyAnswer.statusCode).toBe(400);
    expect(outsideAnswer.statusCode).toBe(400);
    const { requestId: _a, ...outsideBody } = outsideAnswer.json();
    const { requestId: _b, ...nobodyBody } = nobodyAnswer.json();
    expect(outsideBody).toEqual(nobodyBody);
    expect(outsideAnswer.body).not.toContain(outside.id);
    expect(await t.db.delegation.count({ where: { accountId: mailbox.id } })).toBe(0);
  });

  it("refuses a connection account outside the scope as unknown, and writes no link into it", async () => {
    const outside = await createAccount(t.db, w.chu, { type: "MED" });
    const body = newAccount("ORG", { connectionAccounts: [outside.email] });
    const response = await send(w.castresAdmin, "POST", `/api/structures/${w.castres}/accounts`, body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().details).toEqual([
      {
        path: "body.connectionAccounts.0",
        message: `Aucun compte MED, PER ou INT de votre périmètre n'a l'adresse ${outside.email}`,
      },
    ]);
    expect(await t.db.connectionAccount.count({ where: { accountId: outside.id } })).toBe(0);
  });

  it("still accepts delegates and connection accounts of the caller's structures, daughters included", async () => {
    const mailbox = await createAccount(t.db, w.chu, { type: "MED" });
    const daughter = await createAccount(t.db, w.purpan, { type: "MED" });
    const added = await send(w.admin, "POST", `/api/accounts/${mailbox.id}/delegates`, { email: daughter.email });
    expect(added.statusCode, added.body).toBe(201);
    const body = newAccount("ORG", { connectionAccounts: [daughter.email] });
    expect((await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, body)).statusCode).toBe(201);
  });

  it("keeps a cross-structure link the operator made when the administrator saves the mailbox again", async () => {
    const outside = await createAccount(t.db, w.chu, { type: "MED" });
    const body = newAccount("ORG", { connectionAccounts: [outside.email] });
    const created = await send(w.operator, "POST", `/api/structures/${w.castres}/accounts`, body);
    expect(created.statusCode, created.body).toBe(201);
    const mailbox = await detail(created.json().id, w.castresAdmin);
    const { email: _email, ...profile } = body;
    const saved = await send(w.castresAdmin, "PUT", `/api/accounts/${mailbox.id}`, {
      ...profile,
      version: mailbox.version,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await t.db.connectionAccount.count({ where: { mailboxId: mailbox.id, accountId: outside.id } })).toBe(1);
  });
});

describe("item 9: the structure picker does not name a structure outside the scope", () => {
  it("gives an administrator his structure without its mother's name", async () => {
    const response = await send(w.castresAdmin, "GET", "/api/structures");
    expect(response.statusCode).toBe(200);
    const items = StructureListResponse.parse(response.json()).items;
    expect(items.map((item) => item.id)).toEqual([w.castres]);
    expect(items[0]).toMatchObject({ parentId: null, parentName: null, parentOutsideScope: true });
    expect(response.body).not.toContain("GRADeS");
    expect(response.body).not.toContain(w.root);
  });

  it("still names a mother inside the scope", async () => {
    const items = StructureListResponse.parse((await send(w.admin, "GET", "/api/structures")).json()).items;
    expect(items.find((item) => item.id === w.purpan)).toMatchObject({
      parentId: w.chu,
      parentName: "CHU de Toulouse",
      parentOutsideScope: false,
    });
    expect(items.find((item) => item.id === w.chu)).toMatchObject({ parentName: null, parentOutsideScope: true });
    const root = StructureListResponse.parse((await send(w.operator, "GET", "/api/structures")).json()).items;
    expect(root.find((item) => item.id === w.root)).toMatchObject({ parentName: null, parentOutsideScope: false });
  });
});
