import { createHash } from "node:crypto";
import { OwnSessionListResponse } from "@medimail/contracts/auth";
import type { Db } from "@medimail/db/client";
import { hashPassword } from "@medimail/domain/password";
import { generate } from "otplib";
import { beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, type SignedIn, signInAs } from "../../../test/auth.ts";
import { TestBrowser } from "../../../test/browser.ts";
import { type App, buildApp } from "../../app.ts";
import { usePscTestApp } from "./auth.test-support.ts";
import { secretKeysOf } from "./secrets.ts";
import { hashToken } from "./tokens.ts";

// "Mon compte" as an attacker would drive it: over HTTP (inject) against the built app on a real database.
const PASSWORD = "Correct-horse-2026";
const KEY_1 = "a".repeat(64);
const KEY_2 = Buffer.alloc(32, 7).toString("base64");
let db: Db;
let app: App;

const started = usePscTestApp({ poolSize: 6, auth: { loginAttemptsPerMinute: 100_000, secrets: secretKeysOf(KEY_1) } });
beforeAll(() => {
  ({ db, app } = started);
});

const epochOf = (offsetSteps: number) => Math.floor(Date.now() / 1000) + offsetSteps * 30;
/** A 6-digit code that no step around now accepts. */
async function wrongCodeFor(secret: string): Promise<string> {
  const valid = new Set(await Promise.all([-2, -1, 0, 1, 2].map((step) => generate({ secret, epoch: epochOf(step) }))));
  for (let guess = 0; ; guess++) {
    const code = String(guess).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

function post(session: SignedIn, url: string, payload?: object) {
  return app.inject({ method: "POST", url, headers: session.headers, ...(payload ? { payload } : {}) });
}

/** A console user with a password and an enrolled authenticator app (through the API); returns its seed. */
async function userWithApp() {
  const user = await createConsoleUser(db, "ADMINISTRATOR");
  await db.account.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
  const session = await signInAs(db, user.email);
  const setup = await post(session, "/api/me/totp/setup");
  expect(setup.statusCode).toBe(200);
  const { secret } = setup.json() as { secret: string };
  const confirm = await post(session, "/api/me/totp/confirm", {
    code: await generate({ secret, epoch: epochOf(-1) }),
  });
  expect(confirm.statusCode).toBe(200);
  return { user, secret, recoveryCodes: (confirm.json() as { recoveryCodes: string[] }).recoveryCodes };
}

const isSignedIn = async (session: SignedIn) =>
  (await app.inject({ url: "/api/auth/session", headers: session.headers })).json().user !== null;

describe("guessing the authenticator code from a stolen session", () => {
  it("ends the session at the 5th wrong code; the right code after that does nothing", async () => {
    const { user, secret } = await userWithApp();
    const stolen = await signInAs(db, user.email);
    const wrong = await wrongCodeFor(secret);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await post(stolen, "/api/me/totp/disable", { code: wrong });
      expect(response.statusCode, `attempt ${attempt}`).toBe(400);
      expect(response.json().message).toContain(`Il vous reste ${5 - attempt} essai`);
    }
    const fifth = await post(stolen, "/api/me/totp/disable", { code: wrong });
    expect(fifth.statusCode).toBe(401);
    expect(fifth.json()).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(fifth.json().message).toContain("session a été fermée");
    expect(fifth.cookies.find((cookie) => cookie.name === "medimail_session")?.value).toBe("");

    const right = await post(stolen, "/api/me/totp/disable", { code: await generate({ secret, epoch: epochOf(0) }) });
    expect(right.statusCode).toBe(401);
    expect(await isSignedIn(stolen)).toBe(false);
    const account = await db.account.findUniqueOrThrow({ where: { id: user.id } });
    expect(account.totpEnabledAt).not.toBeNull();
    expect(await db.auditEvent.count({ where: { action: "auth.session-ended", entityId: user.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "auth.factor-failed", entityId: user.id } })).toBe(4);
  });

  it("holds under 40 concurrent guesses: at most 4 are checked, the session ends", async () => {
    const { user, secret } = await userWithApp();
    const stolen = await signInAs(db, user.email);
    const wrong = await wrongCodeFor(secret);
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => post(stolen, "/api/me/recovery-codes", { code: wrong })),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(4);
    expect(statuses.filter((status) => status !== 400 && status !== 401)).toEqual([]);
    expect(await isSignedIn(stolen)).toBe(false);
  });

  it("counts per account too: new sessions do not give new tries beyond 10 an hour", async () => {
    const { user, secret } = await userWithApp();
    const wrong = await wrongCodeFor(secret);
    for (const _ of [1, 2]) {
      const session = await signInAs(db, user.email);
      for (let attempt = 1; attempt <= 4; attempt++) {
        expect((await post(session, "/api/me/totp/disable", { code: wrong })).statusCode).toBe(400);
      }
    }
    const third = await signInAs(db, user.email);
    expect((await post(third, "/api/me/totp/disable", { code: wrong })).statusCode).toBe(400);
    expect((await post(third, "/api/me/totp/disable", { code: wrong })).statusCode).toBe(401);
    expect(await isSignedIn(third)).toBe(false);
  });

  it("counts wrong passwords at re-authentication the same way", async () => {
    const user = await createConsoleUser(db, "ADMINISTRATOR");
    await db.account.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    const stolen = await signInAs(db, user.email);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect((await post(stolen, "/api/me/reauth", { password: `guess-${attempt}` })).statusCode).toBe(400);
    }
    expect((await post(stolen, "/api/me/reauth", { password: "guess-5" })).statusCode).toBe(401);
    expect((await post(stolen, "/api/me/reauth", { password: PASSWORD })).statusCode).toBe(401);
  });

  it("resets the count after a right code (a user's typos do not add up over a day)", async () => {
    const { user, secret } = await userWithApp();
    const session = await signInAs(db, user.email);
    const wrong = await wrongCodeFor(secret);
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect((await post(session, "/api/me/recovery-codes", { code: wrong })).statusCode).toBe(400);
    }
    const renewed = await post(session, "/api/me/recovery-codes", {
      code: await generate({ secret, epoch: epochOf(0) }),
    });
    expect(renewed.statusCode).toBe(200);
    const after = await post(session, "/api/me/recovery-codes", { code: wrong });
    expect(after.json().message).toContain("Il vous reste 4 essais");
  });
});

describe("secrets at rest", () => {
  it("stores the authenticator seed encrypted and recovery codes as keyed, per-account HMACs", async () => {
    const { user, secret, recoveryCodes } = await userWithApp();
    const account = await db.account.findUniqueOrThrow({ where: { id: user.id } });
    expect(account.totpSecret).toMatch(/^v1:[0-9a-f]{8}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(account.totpSecret).not.toContain(secret);
    const stored = await db.recoveryCode.findMany({ where: { accountId: user.id } });
    expect(stored).toHaveLength(10);
    const unsalted = new Set(
      recoveryCodes.map((code) => createHash("sha256").update(code.replace("-", "")).digest("hex")),
    );
    for (const row of stored) {
      expect(row.codeHash).toMatch(/^h1:[0-9a-f]{8}:[0-9a-f]{64}$/);
      expect(unsalted.has(row.codeHash)).toBe(false);
    }
    // The same code in another account gives another digest.
    const other = await userWithApp();
    const otherHashes = (await db.recoveryCode.findMany({ where: { accountId: other.user.id } })).map(
      (r) => r.codeHash,
    );
    expect(new Set([...otherHashes, ...stored.map((row) => row.codeHash)]).size).toBe(20);

    // and both still sign in
    const browser = await passwordStep(user.email);
    expect(
      (await browser.post("/api/auth/verify", { code: await generate({ secret, epoch: epochOf(0) }) })).statusCode,
    ).toBe(200);
    const again = await passwordStep(user.email);
    expect((await again.post("/api/auth/verify", { code: recoveryCodes[3] })).statusCode).toBe(200);
  });

  it("accepts a seed stored in clear and an unsalted recovery code from before, and rewrites the seed encrypted", async () => {
    const { user, secret } = await userWithApp();
    // as the previous version stored them
    const legacyCode = "abcd-efgh";
    await db.account.update({ where: { id: user.id }, data: { totpSecret: secret, totpLastTimeStep: null } });
    await db.recoveryCode.create({
      data: { accountId: user.id, codeHash: createHash("sha256").update("abcdefgh").digest("hex") },
    });

    const browser = await passwordStep(user.email);
    expect(
      (await browser.post("/api/auth/verify", { code: await generate({ secret, epoch: epochOf(0) }) })).statusCode,
    ).toBe(200);
    const rewritten = (await db.account.findUniqueOrThrow({ where: { id: user.id } })).totpSecret;
    expect(rewritten).toMatch(/^v1:/);
    expect(rewritten).not.toContain(secret);

    const withLegacy = await passwordStep(user.email);
    expect((await withLegacy.post("/api/auth/verify", { code: legacyCode })).statusCode).toBe(200);
    const replay = await passwordStep(user.email);
    expect((await replay.post("/api/auth/verify", { code: legacyCode })).statusCode).toBe(401);
  });

  it("rotates: the new key with the old one as previous reads old values and rewrites them; without it they fail", async () => {
    const { user, secret, recoveryCodes } = await userWithApp();
    const rotated = await buildApp({
      db,
      auth: { loginAttemptsPerMinute: 100_000, secrets: secretKeysOf(KEY_2, KEY_1) },
    });
    const newKeyOnly = await buildApp({ db, auth: { loginAttemptsPerMinute: 100_000, secrets: secretKeysOf(KEY_2) } });
    try {
      const before = (await db.account.findUniqueOrThrow({ where: { id: user.id } })).totpSecret as string;
      const viaRotated = await passwordStep(user.email, rotated);
      const code = await generate({ secret, epoch: epochOf(0) });
      expect((await viaRotated.post("/api/auth/verify", { code })).statusCode).toBe(200);
      const after = (await db.account.findUniqueOrThrow({ where: { id: user.id } })).totpSecret as string;
      expect(after.split(":")[1]).not.toBe(before.split(":")[1]);
      // a recovery code made under the old key still works while it is the previous key
      const withRecovery = await passwordStep(user.email, rotated);
      expect((await withRecovery.post("/api/auth/verify", { code: recoveryCodes[0] })).statusCode).toBe(200);
      // the seed is now under the new key alone: the old key cannot read it (a configuration error, logged),
      // the new key alone can
      const next = await generate({ secret, epoch: epochOf(1) });
      const viaOld = await passwordStep(user.email);
      expect((await viaOld.post("/api/auth/verify", { code: next })).statusCode).toBe(500);
      const viaNewOnly = await passwordStep(user.email, newKeyOnly);
      expect((await viaNewOnly.post("/api/auth/verify", { code: next })).statusCode).toBe(200);
    } finally {
      await rotated.close();
      await newKeyOnly.close();
    }
  });
});

async function passwordStep(email: string, on: App = app): Promise<TestBrowser> {
  const browser = new TestBrowser(on);
  await browser.session();
  const step = await browser.post("/api/auth/password", { email, password: PASSWORD });
  expect(step.json()).toMatchObject({ next: "TOTP" });
  return browser;
}

describe("recent re-authentication before factor changes", () => {
  const ageSession = (session: SignedIn, minutes: number) =>
    db.session.update({
      where: { id: hashToken(session.token) },
      data: { createdAt: new Date(Date.now() - minutes * 60_000) },
    });

  it("refuses enrolling an app, renewing recovery codes and linking PSC from a session signed in 11 minutes ago", async () => {
    const { user, secret } = await userWithApp();
    const session = await signInAs(db, user.email);
    await ageSession(session, 11);
    const code = await generate({ secret, epoch: epochOf(0) });
    const renew = await post(session, "/api/me/recovery-codes", { code });
    expect(renew.statusCode).toBe(403);
    expect(renew.json()).toMatchObject({ code: "REAUTH_REQUIRED" });
    expect((await post(session, "/api/me/psc/link")).json()).toMatchObject({ code: "REAUTH_REQUIRED" });

    const plain = await createConsoleUser(db, "ADMINISTRATOR");
    await db.account.update({ where: { id: plain.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    const old = await signInAs(db, plain.email);
    await ageSession(old, 11);
    expect((await post(old, "/api/me/totp/setup")).json()).toMatchObject({ code: "REAUTH_REQUIRED" });
    expect((await post(old, "/api/me/totp/confirm", { code: "123456" })).json()).toMatchObject({
      code: "REAUTH_REQUIRED",
    });

    // after the password is entered again, the same session may
    expect((await post(old, "/api/me/reauth", { password: "wrong-password" })).statusCode).toBe(400);
    expect((await post(old, "/api/me/reauth", { password: PASSWORD })).statusCode).toBe(204);
    expect((await post(old, "/api/me/totp/setup")).statusCode).toBe(200);
    expect((await post(old, "/api/me/psc/link")).statusCode).toBe(200);

    // or the app's code
    expect((await post(session, "/api/me/reauth", { code })).statusCode).toBe(204);
    const renewed = await post(session, "/api/me/recovery-codes", {
      code: await generate({ secret, epoch: epochOf(1) }),
    });
    expect(renewed.statusCode).toBe(200);
    expect(await db.auditEvent.count({ where: { action: "auth.reauthenticated", entityId: user.id } })).toBe(1);
  });

  it("lets a fresh sign-in through without asking again", async () => {
    const user = await createConsoleUser(db, "ADMINISTRATOR");
    const session = await signInAs(db, user.email);
    await ageSession(session, 9);
    expect((await post(session, "/api/me/totp/setup")).statusCode).toBe(200);
  });
});

describe("my sessions", () => {
  it("lists my open sessions and ends another one; another user's session is not mine to end (404)", async () => {
    const user = await createConsoleUser(db, "ADMINISTRATOR");
    await db.account.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    const here = await signInAs(db, user.email);
    const laptop = await signInAs(db, user.email);
    const phone = await signInAs(db, user.email);
    await db.session.update({
      where: { id: hashToken(laptop.token) },
      data: { userAgent: "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0", ip: "10.1.2.3" },
    });
    const stranger = await createConsoleUser(db, "ADMINISTRATOR");
    const strangers = await signInAs(db, stranger.email);

    const listed = await app.inject({ url: "/api/me/sessions", headers: here.headers });
    expect(listed.statusCode).toBe(200);
    const { items } = OwnSessionListResponse.parse(listed.json());
    expect(items).toHaveLength(3);
    expect(items.filter((item) => item.current).map((item) => item.id)).toEqual([hashToken(here.token)]);
    expect(items.find((item) => item.id === hashToken(laptop.token))).toMatchObject({ ip: "10.1.2.3" });
    expect(listed.body).not.toContain(hashToken(strangers.token));

    const foreign = await app.inject({
      method: "DELETE",
      url: `/api/me/sessions/${hashToken(strangers.token)}`,
      headers: here.headers,
    });
    expect(foreign.statusCode).toBe(404);
    expect(await isSignedIn(strangers)).toBe(true);
    const bad = await app.inject({ method: "DELETE", url: "/api/me/sessions/nope", headers: here.headers });
    expect(bad.statusCode).toBe(400);

    const ended = await app.inject({
      method: "DELETE",
      url: `/api/me/sessions/${hashToken(laptop.token)}`,
      headers: here.headers,
    });
    expect(ended.statusCode).toBe(204);
    expect(await isSignedIn(laptop)).toBe(false);
    expect(await isSignedIn(here)).toBe(true);
    const self = await app.inject({
      method: "DELETE",
      url: `/api/me/sessions/${hashToken(here.token)}`,
      headers: here.headers,
    });
    expect(self.statusCode).toBe(409);

    const others = await app.inject({ method: "DELETE", url: "/api/me/sessions", headers: here.headers });
    expect(others.json()).toEqual({ ended: 1 });
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(here)).toBe(true);
    expect(await isSignedIn(strangers)).toBe(true);
    expect(await db.auditEvent.count({ where: { action: "auth.session-ended", entityId: user.id } })).toBe(2);
  });
});
