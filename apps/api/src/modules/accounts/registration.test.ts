import { AccountCounts } from "@medimail/contracts/accounts";
import { createDb } from "@medimail/db/client";
import { createAccount } from "@medimail/db/seed/factories";
import { createTestDatabase } from "@medimail/db/testing";
import { verifyPassword } from "@medimail/domain/password";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestBrowser } from "../../../test/browser.ts";
import type { TestContext } from "../../../test/test-app.ts";
import { buildApp } from "../../app.ts";
import {
  auditOf,
  mailsTo,
  newAccount,
  requester,
  seedWorld,
  tokenInMail,
  type World,
} from "./accounts.test-support.ts";

// The public side of accounts, through the HTTP API on a real database: self-registration enrolled by the rules
// of the structures, and the single-use links mailed for finishing a registration or choosing a new password.

const t = {} as TestContext;
const send = requester(t);
let w: World;
let browser: TestBrowser;
const PASSWORD = "un mot de passe assez long";

beforeAll(async () => {
  t.database = await createTestDatabase();
  t.db = createDb({ connectionString: t.database.url, max: 4 });
  // the public routes are rate-limited per IP like the sign-in steps: this file sends more than a person would
  t.app = await buildApp({ db: t.db, auth: { loginAttemptsPerMinute: 1000 } });
  await t.app.ready();
  w = await seedWorld(t.db);
  browser = new TestBrowser(t.app);
  await browser.session(); // the anonymous CSRF token of a signed-out visitor

  const rule = (structureId: string, criteria: object, createdAt = new Date("2026-01-01T00:00:00Z")) =>
    t.db.enrolmentRule.create({ data: { structureId, ...criteria, createdAt } });
  // every CHU address goes to the CHU, except doctors (more specific), who go to Purpan
  await rule(w.chu, { emailDomain: "chu-toulouse.fr" });
  await rule(w.purpan, { emailDomain: "chu-toulouse.fr", profession: "10" });
  // Castres wants these notices at its own addresses
  await rule(w.castres, { emailDomain: "chic-cm.fr" });
  await t.db.structure.update({
    where: { id: w.castres },
    data: { adminNotificationEmails: ["dsi@chic-cm.fr", "cadre.sante@chic-cm.fr"] },
  });
  // two equally specific rules for liberal nurses of Haute-Garonne: the oldest wins
  await rule(w.castres, { departmentCode: "31", practiceStatus: "LIBERAL" }, new Date("2025-01-01T00:00:00Z"));
  await rule(w.purpan, { departmentCode: "31", practiceStatus: "LIBERAL" }, new Date("2025-06-01T00:00:00Z"));
});
afterAll(async () => {
  await t.app?.close();
  await t.db?.$disconnect();
  await t.database?.drop();
});

const form = (overrides: Record<string, unknown> = {}) => ({
  email: "nouvelle.inscrite@chu-toulouse.fr",
  lastName: "Inscrite",
  firstName: "Nouvelle",
  profession: "60",
  regionCode: "76",
  nationalId: "",
  postcode: "31059",
  city: "Toulouse",
  liberal: false,
  password: PASSWORD,
  ...overrides,
});
const register = (body: object) => browser.post("/api/registration", body);
const linkInfo = (token: string) =>
  browser.request({ url: `/api/registration/link?token=${encodeURIComponent(token)}` });
const choosePassword = (token: string, password = PASSWORD) =>
  browser.post("/api/registration/password", { token, password });
/** Passwords of 12 characters or more seen in breaches or guessed at once (security review). */
const COMMON_PASSWORDS = ["123456789012", "azertyuiop12", "motdepasse12"];
const expectWeakPasswordRefused = (response: { statusCode: number; json: () => { details?: unknown } }) => {
  expect(response.statusCode).toBe(400);
  expect(response.json().details).toEqual([
    { path: "body.password", message: expect.stringMatching(/^Mot de passe trop courant ou trop facile à deviner/) },
  ]);
};

describe("self-registration", () => {
  it("enrols a nurse of the CHU in the CHU, waiting for validation, and mails the CHU's administrators", async () => {
    const before = AccountCounts.parse((await send(w.admin, "GET", `/api/structures/${w.chu}/accounts/counts`)).json());
    const response = await register(form({ email: "Infirmiere.Une@CHU-Toulouse.fr", nationalId: "810012345" }));
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ structureName: "CHU de Toulouse" });

    const account = await t.db.account.findUniqueOrThrow({ where: { email: "infirmiere.une@chu-toulouse.fr" } });
    expect(account).toMatchObject({
      structureId: w.chu,
      state: "PENDING_VALIDATION",
      type: "PER",
      adeli: "810012345",
      rpps: null,
      profession: "60",
    });
    expect(await verifyPassword(PASSWORD, account.passwordHash ?? "")).toBe(true);
    const after = AccountCounts.parse((await send(w.admin, "GET", `/api/structures/${w.chu}/accounts/counts`)).json());
    expect(after.PENDING_VALIDATION).toBe(before.PENDING_VALIDATION + 1);

    const mails = await t.db.outboxMail.findMany({ where: { subject: { contains: "CHU de Toulouse" } } });
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to.sort()).toEqual(["admin2@chu-toulouse.fr", "admin@chu-toulouse.fr"]);
    expect(mails[0]?.subject).toBe("Medimail : une inscription est à valider pour CHU de Toulouse");
    expect(mails[0]?.text).toContain(`/structures/${w.chu}/utilisateurs?etat=PENDING_VALIDATION`);
    expect(mails[0]?.text).toContain("Nouvelle Inscrite (infirmiere.une@chu-toulouse.fr)");

    const [event] = await auditOf(t.db, account.id);
    expect(event).toMatchObject({ action: "account.self-registered", structureId: w.chu, actorId: account.id });

    // the administrator validates it from the « à valider » tab
    const validated = await send(w.admin, "POST", `/api/accounts/${account.id}/validate`, { version: 1 });
    expect(validated.json()).toEqual({ state: "VALIDATED", version: 2 });
  });

  it("enrols a doctor by the most specific rule, and mails that structure's own administrators, not its mother's", async () => {
    const response = await register(
      form({ email: "docteur.deux@chu-toulouse.fr", profession: "10", nationalId: "10101234564" }),
    );
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ structureName: "Site Purpan" });
    const account = await t.db.account.findUniqueOrThrow({ where: { email: "docteur.deux@chu-toulouse.fr" } });
    expect(account).toMatchObject({ structureId: w.purpan, type: "PER", rpps: "10101234564" });
    const mails = await t.db.outboxMail.findMany({ where: { text: { contains: "docteur.deux@chu-toulouse.fr" } } });
    expect(mails.map((mail) => mail.to)).toEqual([[w.purpanAdminEmail]]);
    expect(mails[0]?.subject).toBe("Medimail : une inscription est à valider pour Site Purpan");
  });

  it("mails the structure's chosen notification addresses when it has some, instead of its administrators", async () => {
    const response = await register(form({ email: "secretaire@chic-cm.fr", profession: "AUTRE", postcode: "81100" }));
    expect(response.json()).toEqual({ structureName: "CHIC Castres" });
    const account = await t.db.account.findUniqueOrThrow({ where: { email: "secretaire@chic-cm.fr" } });
    // without an RPPS or ADELI the account is a MED mailbox
    expect(account).toMatchObject({ structureId: w.castres, type: "MED", rpps: null, adeli: null });
    const mails = await t.db.outboxMail.findMany({ where: { text: { contains: "secretaire@chic-cm.fr" } } });
    expect(mails.map((mail) => mail.to)).toEqual([["dsi@chic-cm.fr", "cadre.sante@chic-cm.fr"]]);
  });

  it("takes the oldest of two equally specific rules", async () => {
    const response = await register(
      form({ email: "idel.liberale@gmail.com", liberal: true, postcode: "31400", profession: "60" }),
    );
    expect(response.json()).toEqual({ structureName: "CHIC Castres" });
  });

  it("answers the same for an address that already has an account, creates nothing and tells its holder", async () => {
    const holder = await createAccount(t.db, w.castres, {
      email: "deja.inscrit@chu-toulouse.fr",
      passwordHash: "inchangé",
    });
    const accountsBefore = await t.db.account.count();
    const fresh = await register(form({ email: "jamais.vu@chu-toulouse.fr" }));
    const known = await register(form({ email: "Deja.Inscrit@chu-toulouse.fr" }));
    expect(known.statusCode).toBe(fresh.statusCode);
    expect(known.json()).toEqual(fresh.json());
    expect(await t.db.account.count()).toBe(accountsBefore + 1);
    const unchanged = await t.db.account.findUniqueOrThrow({ where: { id: holder.id } });
    expect(unchanged).toMatchObject({ structureId: w.castres, passwordHash: "inchangé", state: holder.state });
    expect((await mailsTo(t.db, holder.email)).map((mail) => mail.subject)).toEqual([
      "Tentative d'inscription à Medimail avec votre adresse",
    ]);
    // and the administrators are not asked to validate anything
    const notices = await t.db.outboxMail.findMany({ where: { text: { contains: holder.email } } });
    expect(notices.every((mail) => mail.to.includes(holder.email))).toBe(true);
  });

  it("keeps one account when the same address registers twice at once", async () => {
    const results = await Promise.all([
      register(form({ email: "double.clic@chu-toulouse.fr" })),
      register(form({ email: "double.clic@chu-toulouse.fr" })),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([202, 202]);
    expect(await t.db.account.count({ where: { email: "double.clic@chu-toulouse.fr" } })).toBe(1);
  });

  it("refuses with a French message when no structure's rule takes the registration", async () => {
    const before = await t.db.account.count();
    const response = await register(form({ email: "medecin@clinique-inconnue.fr", postcode: "75015", city: "Paris" }));
    expect(response.statusCode).toBe(422);
    expect(response.json().message).toContain("Aucune structure n'accueille automatiquement les inscriptions");
    expect(await t.db.account.count()).toBe(before);
  });

  it("validates the form like the console does, and never lets the form choose the structure", async () => {
    const invalid = await register(form({ nationalId: "12345", password: "court" }));
    expect(invalid.statusCode).toBe(400);
    expect(
      invalid
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(["body.nationalId", "body.password"]);
    const forged = await register(form({ email: "forge@chu-toulouse.fr", structureId: w.castres }));
    expect(forged.statusCode).toBe(400);
    expect(await t.db.account.count({ where: { email: "forge@chu-toulouse.fr" } })).toBe(0);
  });

  it("refuses common passwords and the holder's own name on the password field, and creates nothing", async () => {
    const before = await t.db.account.count();
    for (const password of COMMON_PASSWORDS) expectWeakPasswordRefused(await register(form({ password })));
    const named = await register(form({ password: "Inscrite-Nouvelle-31" }));
    expect(named.json().details).toEqual([
      {
        path: "body.password",
        message: "Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre adresse e-mail.",
      },
    ]);
    expect(await t.db.account.count()).toBe(before);
  });

  it("refuses a request without the anonymous CSRF token", async () => {
    const response = await t.app.inject({ method: "POST", url: "/api/registration", payload: form() });
    expect(response.statusCode).toBe(403);
  });
});

describe("single-use links", () => {
  const preRegister = async () => {
    const body = newAccount("PER", { lastName: "Lien", firstName: "Camille" });
    const created = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, body);
    expect(created.statusCode).toBe(201);
    const [mail] = await mailsTo(t.db, body.email);
    return {
      id: created.json().id as string,
      email: body.email,
      token: tokenInMail(mail?.text ?? "", "/inscription/finaliser"),
    };
  };

  it("says what a registration link is for, then completes the registration once", async () => {
    const { id, email, token } = await preRegister();
    const info = await linkInfo(token);
    expect(info.statusCode).toBe(200);
    expect(info.json()).toEqual({ valid: true, purpose: "REGISTRATION", email, name: "Camille Lien" });

    for (const password of COMMON_PASSWORDS) expectWeakPasswordRefused(await choosePassword(token, password));
    expect((await t.db.account.findUniqueOrThrow({ where: { id } })).state).toBe("PREREGISTERED");

    const done = await choosePassword(token);
    expect(done.statusCode, done.body).toBe(204);
    const account = await t.db.account.findUniqueOrThrow({ where: { id } });
    expect(account).toMatchObject({ state: "VALIDATED", previousState: null, version: 2 });
    expect(await verifyPassword(PASSWORD, account.passwordHash ?? "")).toBe(true);
    expect((await auditOf(t.db, id)).map((e) => e.action)).toEqual([
      "account.created",
      "account.registration-completed",
    ]);

    const again = await choosePassword(token, "un autre mot de passe assez long");
    expect(again.statusCode).toBe(400);
    expect(again.json().message).toBe(
      "Ce lien a déjà servi : connectez-vous, ou demandez un nouveau lien à votre administrateur.",
    );
    expect(
      await verifyPassword(PASSWORD, (await t.db.account.findUniqueOrThrow({ where: { id } })).passwordHash ?? ""),
    ).toBe(true);
    expect((await linkInfo(token)).json()).toEqual({
      valid: false,
      message: "Ce lien a déjà servi : connectez-vous, ou demandez un nouveau lien à votre administrateur.",
    });
  });

  it("uses a link once even when it is sent twice at the same time", async () => {
    const { id, token } = await preRegister();
    const results = await Promise.all([choosePassword(token), choosePassword(token, "un second mot de passe long")]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 400]);
    expect((await auditOf(t.db, id)).filter((e) => e.action === "account.registration-completed")).toHaveLength(1);
  });

  it("voids the older links of the account once a password is chosen (first mail before a reminder)", async () => {
    const { id, email, token: first } = await preRegister();
    expect((await send(w.admin, "POST", `/api/accounts/${id}/remind`)).statusCode).toBe(200);
    const reminder = (await mailsTo(t.db, email)).at(-1);
    const second = tokenInMail(reminder?.text ?? "", "/inscription/finaliser");
    // both links work until one is used
    expect((await linkInfo(first)).json().valid).toBe(true);
    expect((await choosePassword(second)).statusCode).toBe(204);
    const old = await choosePassword(first, "quelqu'un d'autre avec un vieux mail");
    expect(old.statusCode).toBe(400);
    expect(
      await verifyPassword(PASSWORD, (await t.db.account.findUniqueOrThrow({ where: { id } })).passwordHash ?? ""),
    ).toBe(true);
  });

  it("refuses an expired link and a tampered one", async () => {
    const { id, token } = await preRegister();
    await t.db.oneTimeCode.update({
      where: { id: token.split(".")[0] },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await choosePassword(token);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().message).toBe("Ce lien a expiré : demandez-en un nouveau à votre administrateur.");
    expect((await linkInfo(token)).json()).toMatchObject({ valid: false, message: expired.json().message });
    expect((await t.db.account.findUniqueOrThrow({ where: { id } })).state).toBe("PREREGISTERED");

    const [tokenId, secret] = token.split(".");
    const tampered = `${tokenId}.${(secret ?? "").slice(0, -2)}xx`;
    for (const wrong of [tampered, `${crypto.randomUUID()}.${secret}`, "n-importe-quoi-mais-assez-long"]) {
      const response = await choosePassword(wrong);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toContain("Ce lien n'est pas valide");
    }
  });

  it("refuses the link of a rejected account", async () => {
    const { id, token } = await preRegister();
    expect((await send(w.admin, "POST", `/api/accounts/${id}/reject`, { version: 1 })).statusCode).toBe(200);
    expect((await linkInfo(token)).json()).toMatchObject({ valid: false });
    expect((await choosePassword(token)).statusCode).toBe(400);
    // refused, the link is not spent: rehabilitated, the holder can still use it
    await send(w.admin, "POST", `/api/accounts/${id}/rehabilitate`, { version: 2 });
    expect((await choosePassword(token)).statusCode).toBe(204);
    expect((await t.db.account.findUniqueOrThrow({ where: { id } })).state).toBe("VALIDATED");
  });

  it("sets a new password through a reset link, leaving the state as it is, and unlocks the account", async () => {
    const account = await createAccount(t.db, w.chu, {
      state: "VALIDATED",
      passwordHash: "ancien",
      failedLoginCount: 7,
      lockedAt: new Date(),
    });
    const openSession = await t.db.session.create({
      data: {
        id: "a".repeat(64),
        accountId: account.id,
        csrfToken: "b".repeat(64),
        method: "PASSWORD_EMAIL_CODE",
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    expect((await send(w.admin, "POST", `/api/accounts/${account.id}/password-reset`)).statusCode).toBe(204);
    const [mail] = await mailsTo(t.db, account.email);
    const token = tokenInMail(mail?.text ?? "", "/mot-de-passe/nouveau");
    expect((await linkInfo(token)).json()).toMatchObject({
      valid: true,
      purpose: "PASSWORD_RESET",
      email: account.email,
    });

    const short = await choosePassword(token, "trop court");
    expect(short.statusCode).toBe(400);
    expect(short.json().details).toEqual([{ path: "body.password", message: "12 caractères au moins" }]);
    for (const password of COMMON_PASSWORDS) expectWeakPasswordRefused(await choosePassword(token, password));

    expect((await choosePassword(token)).statusCode).toBe(204);
    const after = await t.db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(after).toMatchObject({ state: "VALIDATED", failedLoginCount: 0, lockedAt: null, version: 1 });
    expect(await verifyPassword(PASSWORD, after.passwordHash ?? "")).toBe(true);
    expect((await auditOf(t.db, account.id)).map((e) => e.action)).toEqual([
      "account.password-reset-requested",
      "account.password-set",
    ]);
    // whoever was signed in with the old password is signed out
    expect((await t.db.session.findUniqueOrThrow({ where: { id: openSession.id } })).revokedAt).not.toBeNull();
    expect((await choosePassword(token)).statusCode).toBe(400);
  });
});
