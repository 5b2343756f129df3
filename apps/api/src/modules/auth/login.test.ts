import { LoginNextStep, SessionResponse } from "@medimail/contracts/auth";
import { createDb, type Db } from "@medimail/db/client";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import { hashPassword } from "@medimail/domain/password";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, signInAs } from "../../../test/auth.ts";
import { TestBrowser } from "../../../test/browser.ts";
import { startTestBackground, waitFor } from "../../../test/jobs.ts";
import { type App, buildApp } from "../../app.ts";
import type { Background } from "../../jobs/background.ts";

// Real database, real outbox delivery through the real SMTP catcher: the codes are read from the mails.
let database: TestDatabase;
let db: Db;
let background: Background;
let app: App;
const PASSWORD = "Correct-horse-2026";
let admin: { id: string; email: string; structureId: string };

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ connectionString: database.url, max: 6 });
  background = await startTestBackground(db, database.url);
  app = await buildApp({ db, background, auth: { loginAttemptsPerMinute: 1000, accountLockThreshold: 4 } });
  admin = await createConsoleUser(db, "ADMINISTRATOR", { email: "helene.admin@chu.fr" });
  await db.account.update({ where: { id: admin.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
});
afterAll(async () => {
  await app?.close();
  await background?.stop();
  await db?.$disconnect();
  await database?.drop();
});

/** Waits for the code mailed to `email` after the `already` first ones and returns its 6 digits. */
async function codeMailedTo(email: string, already: number): Promise<string> {
  const mailsTo = () => background.catcher?.mails().filter((mail) => mail.to.includes(email)) ?? [];
  await waitFor(async () => mailsTo().length > already, 20_000);
  // the catcher lists the newest first
  const mail = mailsTo().reverse()[already];
  const code = mail?.subject.match(/\b(\d{6})\b/)?.[1];
  if (!code || !mail?.text.includes(code)) throw new Error(`no code in ${mail?.subject}`);
  return code;
}
const mailCount = (email: string) => background.catcher?.mails().filter((mail) => mail.to.includes(email)).length ?? 0;

async function passwordStep(browser: TestBrowser, email = admin.email, password = PASSWORD) {
  await browser.session();
  return browser.post("/api/auth/password", { email, password });
}

async function signInWithCode(browser: TestBrowser, email = admin.email) {
  const before = mailCount(email);
  const step = await passwordStep(browser, email);
  expect(step.statusCode).toBe(200);
  const code = await codeMailedTo(email, before);
  return browser.post("/api/auth/verify", { code });
}

describe("password, then the code sent by e-mail", () => {
  it("signs in, with the code read from the real mail, and opens a session with safe cookies", async () => {
    const browser = new TestBrowser(app);
    const anonymous = SessionResponse.parse((await browser.session()).json());
    expect(anonymous.user).toBeNull();

    const before = mailCount(admin.email);
    const step = await browser.post("/api/auth/password", { email: admin.email.toUpperCase(), password: PASSWORD });
    expect(step.statusCode).toBe(200);
    expect(LoginNextStep.parse(step.json())).toEqual({ next: "EMAIL_CODE", expiresInSeconds: 600 });
    const challengeCookie = step.cookies.find((cookie) => cookie.name === "medimail_login");
    expect(challengeCookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/api/auth" });

    const code = await codeMailedTo(admin.email, before);
    const verified = await browser.post("/api/auth/verify", { code });
    expect(verified.statusCode).toBe(200);
    const session = verified.cookies.find((cookie) => cookie.name === "medimail_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
    expect(session?.secure).toBeFalsy(); // development app; the Secure flag is checked below
    expect(verified.headers["cache-control"]).toBe("no-store");

    const me = SessionResponse.parse((await browser.session()).json());
    expect(me.user).toMatchObject({ email: admin.email, role: "ADMINISTRATOR", method: "PASSWORD_EMAIL_CODE" });
    expect(me.csrfToken).not.toBe(anonymous.csrfToken);
    expect(await db.auditEvent.count({ where: { action: "auth.login", actorId: admin.id } })).toBeGreaterThan(0);
  });

  it("gives the same answer, status and (roughly) time whether or not the email exists", async () => {
    const timed = async (email: string) => {
      const browser = new TestBrowser(app);
      await browser.session();
      const started = performance.now();
      const response = await browser.post("/api/auth/password", { email, password: "wrong-password" });
      return { response, ms: performance.now() - started };
    };
    const known = await timed(admin.email);
    const unknown = await timed("personne@nulle-part.fr");
    expect(known.response.statusCode).toBe(401);
    expect(unknown.response.statusCode).toBe(401);
    const { requestId: _a, ...knownBody } = known.response.json();
    const { requestId: _b, ...unknownBody } = unknown.response.json();
    expect(knownBody).toEqual(unknownBody);
    expect(knownBody).toEqual({
      statusCode: 401,
      code: "INVALID_CREDENTIALS",
      message: "Adresse e-mail ou mot de passe incorrect.",
    });

    // Both verify a scrypt hash: compare medians of a few tries (the hash dominates, ~100 ms or more).
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      // under this app's lock threshold (4): a locked address answers at once, which is tested below
      await db.account.update({ where: { id: admin.id }, data: { failedLoginCount: 0 } });
      knownTimes.push((await timed(admin.email)).ms);
      unknownTimes.push((await timed(`inconnu.${i}@nulle-part.fr`)).ms);
    }
    const ratio = median(knownTimes) / median(unknownTimes);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
    await db.account.update({ where: { id: admin.id }, data: { failedLoginCount: 0, lockedUntil: null } });
  });

  it("never accepts a used code again (no replay)", async () => {
    const browser = new TestBrowser(app);
    const before = mailCount(admin.email);
    await passwordStep(browser);
    const code = await codeMailedTo(admin.email, before);
    const loginCookie = browser.cookies.get("medimail_login") as string;
    expect((await browser.post("/api/auth/verify", { code })).statusCode).toBe(200);

    const replay = new TestBrowser(app);
    await replay.session();
    replay.cookies.set("medimail_login", loginCookie);
    const again = await replay.post("/api/auth/verify", { code });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ code: "LOGIN_EXPIRED" });
  });

  it("refuses the code of one sign-in in another", async () => {
    const first = new TestBrowser(app);
    const second = new TestBrowser(app);
    const before = mailCount(admin.email);
    await passwordStep(first);
    const firstCode = await codeMailedTo(admin.email, before);
    await passwordStep(second);
    const secondCode = await codeMailedTo(admin.email, before + 1);
    expect(secondCode).not.toBe(undefined);

    const crossed = await second.post("/api/auth/verify", { code: firstCode });
    if (firstCode !== secondCode) {
      expect(crossed.statusCode).toBe(401);
      expect(crossed.json()).toMatchObject({ code: "INVALID_CODE" });
    }
    expect((await second.post("/api/auth/verify", { code: secondCode })).statusCode).toBe(200);
    expect((await first.post("/api/auth/verify", { code: firstCode })).statusCode).toBe(200);
  });

  it("invalidates the code after five wrong tries", async () => {
    const browser = new TestBrowser(app);
    const before = mailCount(admin.email);
    await passwordStep(browser);
    const code = await codeMailedTo(admin.email, before);
    const wrong = code === "000000" ? "111111" : "000000";
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await browser.post("/api/auth/verify", { code: wrong });
      expect(response.statusCode).toBe(401);
      messages.push(response.json().message);
    }
    expect(messages[0]).toBe("Code incorrect. Il vous reste 4 essais.");
    expect(messages[3]).toBe("Code incorrect. Il vous reste 1 essai.");
    expect(messages[4]).toBe("Code invalidé après 5 essais : recommencez la connexion.");
    const late = await browser.post("/api/auth/verify", { code });
    expect(late.statusCode).toBe(401);
    expect(late.json()).toMatchObject({ code: "LOGIN_EXPIRED" });
    expect(await db.auditEvent.count({ where: { action: "auth.code-locked", entityId: admin.id } })).toBe(1);
  });

  it("refuses a code after its ten minutes", async () => {
    const browser = new TestBrowser(app);
    const before = mailCount(admin.email);
    await passwordStep(browser);
    const code = await codeMailedTo(admin.email, before);
    await db.loginChallenge.updateMany({
      where: { accountId: admin.id, consumedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const response = await browser.post("/api/auth/verify", { code });
    expect(response.json()).toMatchObject({ statusCode: 401, code: "LOGIN_EXPIRED" });
  });
});

describe("sessions", () => {
  it("changes the session id at sign-in and ends the browser's previous session", async () => {
    const browser = new TestBrowser(app);
    const previous = await signInAs(db, admin.email);
    browser.cookies.set("medimail_session", previous.token);
    await browser.session();
    const before = mailCount(admin.email);
    const step = await browser.post("/api/auth/password", { email: admin.email, password: PASSWORD });
    const loginCookie = browser.cookies.get("medimail_login");
    expect(loginCookie).toBeDefined();
    expect(loginCookie).not.toBe(previous.token);
    const code = await codeMailedTo(admin.email, before);
    expect(step.statusCode).toBe(200);
    expect((await browser.post("/api/auth/verify", { code })).statusCode).toBe(200);
    const current = browser.cookies.get("medimail_session");
    expect(current).toBeDefined();
    expect(current).not.toBe(previous.token);
    expect(current).not.toBe(loginCookie);

    const old = await app.inject({ url: "/api/structures", headers: previous.headers });
    expect(old.statusCode).toBe(401);
    expect((await browser.request({ url: "/api/structures" })).statusCode).toBe(200);
  });

  it("ends the sessions of a locked, rejected or demoted account at once", async () => {
    for (const disable of [
      (id: string) => db.account.update({ where: { id }, data: { lockedAt: new Date() } }),
      (id: string) => db.account.update({ where: { id }, data: { state: "REJECTED" } }),
      (id: string) => db.structureAdmin.deleteMany({ where: { accountId: id } }),
    ]) {
      const user = await createConsoleUser(db, "ADMINISTRATOR");
      const session = await signInAs(db, user.email);
      expect((await app.inject({ url: "/api/structures", headers: session.headers })).statusCode).toBe(200);
      await disable(user.id);
      const after = await app.inject({ url: "/api/structures", headers: session.headers });
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({
        code: "UNAUTHENTICATED",
        message: "Votre session a expiré : reconnectez-vous.",
      });
      expect(await db.session.count({ where: { accountId: user.id, revokedAt: null } })).toBe(0);
    }
  });

  it("ends a session after 30 minutes without a request, and after 12 hours in any case", async () => {
    const idle = await signInAs(db, admin.email);
    await db.session.updateMany({
      where: { revokedAt: null, accountId: admin.id, lastSeenAt: { gte: new Date(Date.now() - 5000) } },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    expect((await app.inject({ url: "/api/structures", headers: idle.headers })).statusCode).toBe(401);

    const old = await signInAs(db, admin.email);
    const recent = await signInAs(db, admin.email);
    expect((await app.inject({ url: "/api/structures", headers: recent.headers })).statusCode).toBe(200);
    await db.$executeRaw`UPDATE session SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL AND account_id = ${admin.id}::uuid AND created_at > now() - interval '5 seconds'`;
    expect((await app.inject({ url: "/api/structures", headers: old.headers })).statusCode).toBe(401);
  });

  it("logs out: the session ends and its cookie is cleared", async () => {
    const browser = new TestBrowser(app);
    await signInWithCode(browser);
    const token = browser.cookies.get("medimail_session") as string;
    const out = await browser.post("/api/auth/logout");
    expect(out.statusCode).toBe(204);
    expect(browser.cookies.has("medimail_session")).toBe(false);
    const reuse = await app.inject({ url: "/api/structures", headers: { cookie: `medimail_session=${token}` } });
    expect(reuse.statusCode).toBe(401);
  });

  it("marks cookies Secure when configured for HTTPS", async () => {
    const secureApp = await buildApp({ db, auth: { cookieSecure: true, loginAttemptsPerMinute: 1000 } });
    try {
      const browser = new TestBrowser(secureApp);
      await browser.session();
      // an unknown address: the login cookie is set, and no mail is left behind for the other tests
      const step = await browser.post("/api/auth/email-code", { email: "inconnu@nulle-part.fr" });
      expect(step.cookies.find((cookie) => cookie.name === "medimail_login")?.secure).toBe(true);
      const anonymous = await new TestBrowser(secureApp).session();
      expect(anonymous.cookies.find((cookie) => cookie.name === "medimail_csrf")).toMatchObject({
        secure: true,
        httpOnly: true,
        sameSite: "Strict",
      });
    } finally {
      await secureApp.close();
    }
  });
});

describe("cross-site requests and headers", () => {
  it("refuses state-changing requests without the CSRF token, from another site, or as a form or text/plain", async () => {
    const browser = new TestBrowser(app);
    await signInWithCode(browser);
    const cookie = `medimail_session=${browser.cookies.get("medimail_session")}`;

    const noToken = await app.inject({ method: "POST", url: "/api/auth/logout", headers: { cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ code: "CSRF_REJECTED" });

    const form = await app.inject({
      method: "POST",
      url: "/api/auth/logout",
      headers: { cookie, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      payload: "a=1",
    });
    expect(form.statusCode).toBe(403);

    const crossSite = await app.inject({
      method: "POST",
      url: "/api/auth/logout",
      headers: { cookie, "x-csrf-token": browser.csrfToken as string, "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.statusCode).toBe(403);

    const anonymous = new TestBrowser(app);
    await anonymous.session();
    const textPlain = await anonymous.request({
      method: "POST",
      url: "/api/auth/password",
      headers: { "content-type": "text/plain" },
      payload: JSON.stringify({ email: admin.email, password: PASSWORD }),
    });
    expect(textPlain.statusCode).toBe(415);
    expect(textPlain.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    const withoutToken = await app.inject({
      method: "POST",
      url: "/api/auth/password",
      headers: { "content-type": "text/plain" },
      payload: "{}",
    });
    expect(withoutToken.statusCode).toBe(403);

    // the session is still there: none of these requests was executed
    expect((await browser.request({ url: "/api/structures" })).statusCode).toBe(200);
  });

  it("sends the security headers", async () => {
    const response = await app.inject({ url: "/api/auth/session" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'self'");
    expect(response.headers["strict-transport-security"]).toContain("max-age=");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("never shows a stack trace, SQL or Prisma message to a client", async () => {
    const responses = [
      await app.inject({
        method: "POST",
        url: "/api/auth/password",
        headers: { "content-type": "application/json" },
        payload: "{not json",
      }),
      await new TestBrowser(app).post("/api/auth/password", { email: "x".repeat(300), password: "" }),
      await app.inject({ url: "/api/audit?cursor=abc" }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.body).not.toMatch(/prisma|SELECT|INSERT|at .*\.ts:\d+|node_modules/i);
    }
  });
});

describe("brute force", () => {
  /** A console user with PASSWORD, and the attacker's wrong passwords (4 = the threshold of this app). */
  async function victim() {
    const user = await createConsoleUser(db, "ADMINISTRATOR");
    await db.account.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    return user;
  }
  async function wrongPasswords(email: string, count = 4) {
    for (let i = 0; i < count; i++) {
      const attacker = new TestBrowser(app, `10.1.${i}.1`);
      expect((await passwordStep(attacker, email, `essai-${i}`)).statusCode).toBe(401);
    }
  }
  const lockOf = (id: string) =>
    db.account.findUniqueOrThrow({ where: { id }, select: { lockedAt: true, lockedUntil: true, lockCount: true } });
  /** Moves the lock's end into the past, as if its minutes had gone by. */
  const endLock = (id: string) =>
    db.account.update({ where: { id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
  const minutesLeft = (until: Date | null) => ((until?.getTime() ?? 0) - Date.now()) / 60_000;

  it("an attacker's wrong passwords lock the victim for one minute only; then the right password works", async () => {
    const user = await victim();
    const victimSession = await signInAs(db, user.email);
    await wrongPasswords(user.email);

    const lock = await lockOf(user.id);
    expect(lock.lockedAt).toBeNull();
    expect(lock.lockCount).toBe(1);
    expect(minutesLeft(lock.lockedUntil)).toBeGreaterThan(0.9);
    expect(minutesLeft(lock.lockedUntil)).toBeLessThanOrEqual(1);
    // during the lock even the right password is refused, with how long it lasts
    const during = await passwordStep(new TestBrowser(app), user.email);
    expect(during.statusCode).toBe(429);
    expect(during.json()).toMatchObject({
      code: "ACCOUNT_LOCKED",
      message: expect.stringContaining("suspendue pendant encore 1 minute."),
    });
    // the victim's open session is not ended by the attacker
    const me = await app.inject({ url: "/api/auth/session", headers: victimSession.headers });
    expect(SessionResponse.parse(me.json()).user?.email).toBe(user.email);
    expect(await db.auditEvent.count({ where: { action: "auth.account-locked", entityId: user.id } })).toBe(1);
    await waitFor(async () => mailsOf(user.email).some((mail) => /connexion suspendue/.test(mail.subject)), 20_000);

    await endLock(user.id);
    expect((await passwordStep(new TestBrowser(app), user.email)).statusCode).toBe(200);
    expect(await lockOf(user.id)).toMatchObject({ lockCount: 0 });
  });

  it("locks longer at each lock in a row: 1, then 5, then 15 minutes", async () => {
    const user = await victim();
    for (const minutes of [1, 5, 15]) {
      await wrongPasswords(user.email);
      const lock = await lockOf(user.id);
      expect(minutesLeft(lock.lockedUntil)).toBeGreaterThan(minutes - 0.1);
      expect(minutesLeft(lock.lockedUntil)).toBeLessThanOrEqual(minutes);
      await endLock(user.id);
    }
    expect((await lockOf(user.id)).lockCount).toBe(3);
  });

  it("a password reset through the account's own link unlocks at once", async () => {
    const user = await victim();
    await wrongPasswords(user.email);
    expect((await passwordStep(new TestBrowser(app), user.email)).statusCode).toBe(429);

    const operator = await signInAs(db, (await createConsoleUser(db, "OPERATOR")).email);
    const reset = await app.inject({
      method: "POST",
      url: `/api/accounts/${user.id}/password-reset`,
      headers: operator.headers,
    });
    expect(reset.statusCode).toBe(204);
    const mail = await db.outboxMail.findFirstOrThrow({
      where: { to: { has: user.email }, subject: { contains: "Réinitialisation" } },
    });
    const token = decodeURIComponent(mail.text.match(/jeton=(\S+)/)?.[1] ?? "");
    const holder = new TestBrowser(app);
    await holder.session();
    const NEW_PASSWORD = "Nouvelle-phrase-de-passe-2026";
    expect((await holder.post("/api/registration/password", { token, password: NEW_PASSWORD })).statusCode).toBe(204);
    expect(await lockOf(user.id)).toMatchObject({ lockedUntil: null, lockCount: 0 });
    expect((await passwordStep(new TestBrowser(app), user.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it("an operator still unlocks from Comptes verrouillés, audited", async () => {
    const user = await victim();
    await wrongPasswords(user.email);
    const operator = await signInAs(db, (await createConsoleUser(db, "OPERATOR")).email);
    const locked = await app.inject({ url: "/api/security/locked-accounts", headers: operator.headers });
    const item = locked.json().items.find((row: { email: string }) => row.email === user.email);
    expect(item).toMatchObject({ lockCount: 1, lockedUntil: expect.any(String) });
    const unlock = await app.inject({
      method: "POST",
      url: `/api/security/locked-accounts/${user.id}/unlock`,
      headers: operator.headers,
    });
    expect(unlock.statusCode).toBe(204);
    expect((await passwordStep(new TestBrowser(app), user.email)).statusCode).toBe(200);
    expect(await db.auditEvent.count({ where: { action: "auth.account-unlocked", entityId: user.id } })).toBe(1);
  });

  it("locks an unknown address the same way, so the answer tells nothing of which addresses exist", async () => {
    const user = await victim();
    await wrongPasswords(user.email);
    await wrongPasswords("personne.ici@nulle-part.fr");
    const answer = async (email: string) => {
      const response = await passwordStep(new TestBrowser(app), email, "encore-un-essai");
      const { requestId: _, ...body } = response.json();
      return body;
    };
    const known = await answer(user.email);
    expect(known).toMatchObject({ statusCode: 429, code: "ACCOUNT_LOCKED" });
    expect(await answer("personne.ici@nulle-part.fr")).toEqual(known);
  });

  it("answers 429 beyond the per-IP limit under 200 concurrent wrong attempts, and nothing breaks", async () => {
    const limited = await buildApp({ db, auth: { loginAttemptsPerMinute: 10 } });
    try {
      const browser = new TestBrowser(limited, "10.2.0.1");
      await browser.session();
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          browser.post("/api/auth/password", { email: `attaque.${i}@exemple.fr`, password: "wrong" }),
        ),
      );
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 401)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(190);
      expect(responses.find((response) => response.statusCode === 429)?.json()).toMatchObject({
        code: "RATE_LIMITED",
        message: expect.stringMatching(/^Trop de tentatives depuis votre poste : réessayez dans \d+ secondes?\.$/),
      });
      expect(await db.auditEvent.count({ where: { action: "auth.rate-limited", entityId: "10.2.0.1" } })).toBe(1);
      // another IP is not affected, and the app still answers
      const other = new TestBrowser(limited, "10.2.0.2");
      await other.session();
      expect((await other.post("/api/auth/password", { email: admin.email, password: "wrong" })).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

/** Enrols an authenticator app through Mon compte, as its holder would; returns its secret. */
async function enrolTotp(email: string): Promise<string> {
  const session = await signInAs(db, email);
  const setup = await app.inject({ method: "POST", url: "/api/me/totp/setup", headers: session.headers });
  const { secret } = setup.json();
  const confirm = await app.inject({
    method: "POST",
    url: "/api/me/totp/confirm",
    headers: session.headers,
    payload: { code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 }) },
  });
  expect(confirm.statusCode).toBe(200);
  return secret;
}
const mailsOf = (email: string) => background.catcher?.mails().filter((mail) => mail.to.includes(email)) ?? [];

describe("sign-in with a one-time code only", () => {
  it("never opens the console with the mailbox alone: without an app, a notice and no code", async () => {
    const browser = new TestBrowser(app);
    await browser.session();
    const before = mailCount(admin.email);
    const step = await browser.post("/api/auth/email-code", { email: admin.email });
    expect(step.statusCode).toBe(202);
    expect(step.json()).toEqual({ next: "EMAIL_CODE_AND_TOTP", expiresInSeconds: 600 });
    await waitFor(async () => mailCount(admin.email) > before, 20_000);
    const [notice] = mailsOf(admin.email);
    expect(notice?.subject).toBe("Medimail Admin : connexion par code refusée");
    expect(notice?.text).toContain("connectez-vous avec votre mot de passe");
    expect(notice?.text).not.toMatch(/\b\d{6}\b/);
    // whatever is tried, no session
    for (const code of ["123456", "000000"]) {
      expect((await browser.post("/api/auth/verify", { code })).statusCode).toBe(401);
    }
    expect(SessionResponse.parse((await browser.session()).json()).user).toBeNull();
    expect(await db.session.count({ where: { accountId: admin.id, method: "EMAIL_CODE" } })).toBe(0);
  });

  it("with an app: the mailed code alone is refused, the mailed code and the app's code sign in", async () => {
    const user = await createConsoleUser(db, "OPERATOR");
    const secret = await enrolTotp(user.email);
    const browser = new TestBrowser(app);
    await browser.session();
    const before = mailCount(user.email);
    expect((await browser.post("/api/auth/email-code", { email: user.email })).statusCode).toBe(202);
    const code = await codeMailedTo(user.email, before);

    // the mailbox alone: refused, as is the mailed code with a wrong app code
    const alone = await browser.post("/api/auth/verify", { code });
    expect(alone.json()).toMatchObject({ statusCode: 401, code: "INVALID_CODE" });
    const wrongApp = await browser.post("/api/auth/verify", { code, appCode: "000000" });
    expect(wrongApp.json()).toMatchObject({ statusCode: 401, code: "INVALID_CODE" });
    expect(SessionResponse.parse((await browser.session()).json()).user).toBeNull();

    const appCode = await generate({ secret, epoch: Math.floor(Date.now() / 1000) });
    const signedIn = await browser.post("/api/auth/verify", { code, appCode });
    expect(signedIn.statusCode).toBe(200);
    expect(SessionResponse.parse((await browser.session()).json()).user).toMatchObject({
      email: user.email,
      method: "EMAIL_CODE",
    });
  });

  it("answers the same for an unknown address, and mails nothing", async () => {
    const browser = new TestBrowser(app);
    await browser.session();
    const mailsBefore = background.catcher?.mails().length ?? 0;
    const step = await browser.post("/api/auth/email-code", { email: "inconnu@nulle-part.fr" });
    expect(step.statusCode).toBe(202);
    expect(step.json()).toEqual({ next: "EMAIL_CODE_AND_TOTP", expiresInSeconds: 600 });
    const guess = await browser.post("/api/auth/verify", { code: "123456", appCode: "123456" });
    expect(guess.json()).toMatchObject({ code: "INVALID_CODE" });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(background.catcher?.mails().length ?? 0).toBe(mailsBefore);
  });
});

describe("authenticator app", () => {
  it("enrols with a first code, then signs in with the app, refuses a replayed code, and takes a recovery code once", async () => {
    const user = await createConsoleUser(db, "ADMINISTRATOR");
    await db.account.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    const session = await signInAs(db, user.email);
    const setup = await app.inject({ method: "POST", url: "/api/me/totp/setup", headers: session.headers });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl, qrSvg } = setup.json();
    expect(otpauthUrl).toContain("otpauth://totp/");
    expect(qrSvg).toContain("<svg");

    const wrong = await app.inject({
      method: "POST",
      url: "/api/me/totp/confirm",
      headers: session.headers,
      payload: { code: "000000" },
    });
    expect(wrong.statusCode).toBe(400);
    const stepOf = (offsetSteps: number) => Math.floor(Date.now() / 1000) + offsetSteps * 30;
    const confirm = await app.inject({
      method: "POST",
      url: "/api/me/totp/confirm",
      headers: session.headers,
      payload: { code: await generate({ secret, epoch: stepOf(-1) }) },
    });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = confirm.json();
    expect(recoveryCodes).toHaveLength(10);

    // password, then the app's current code (no mail)
    const browser = new TestBrowser(app);
    const mailsBefore = mailCount(user.email);
    const step = await passwordStep(browser, user.email);
    expect(step.json()).toMatchObject({ next: "TOTP" });
    const current = await generate({ secret, epoch: stepOf(0) });
    expect((await browser.post("/api/auth/verify", { code: current })).statusCode).toBe(200);
    expect(mailCount(user.email)).toBe(mailsBefore);

    // the same code in a new sign-in is refused
    const replay = new TestBrowser(app);
    await passwordStep(replay, user.email);
    expect((await replay.post("/api/auth/verify", { code: current })).json()).toMatchObject({ code: "INVALID_CODE" });

    // a recovery code works once
    expect((await replay.post("/api/auth/verify", { code: recoveryCodes[0] })).statusCode).toBe(200);
    const again = new TestBrowser(app);
    await passwordStep(again, user.email);
    expect((await again.post("/api/auth/verify", { code: recoveryCodes[0] })).statusCode).toBe(401);
    expect(await db.auditEvent.count({ where: { action: "auth.recovery-code-used", entityId: user.id } })).toBe(1);
  });
});
