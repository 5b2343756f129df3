import { SessionResponse } from "@medimail/contracts/auth";
import type { Db } from "@medimail/db/client";
import { beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, signInAs } from "../../../test/auth.ts";
import { TestBrowser } from "../../../test/browser.ts";
import { logIn } from "../../../test/psc-browser.ts";
import type { App } from "../../app.ts";
import { PSC_REDIRECT_URI, usePscTestApp } from "./auth.test-support.ts";

// The console's PSC routes against the local OpenID provider: the browser side of the provider is driven with
// fetch, the console's side with inject; the callback URL the provider redirects to is handed to the console.
let db: Db;
let app: App;

const started = usePscTestApp({ poolSize: 4, auth: { loginAttemptsPerMinute: 1000 } });
beforeAll(() => {
  ({ db, app } = started);
});

/** Start at the console, sign in at the provider with `rpps`, come back to the console's callback. */
async function throughPsc(browser: TestBrowser, rpps: string, start = "/api/auth/psc/start?returnTo=/structures") {
  const started = await browser.request({ url: start });
  expect(started.statusCode).toBe(303);
  const callback = await logIn(started.headers.location as string, rpps, PSC_REDIRECT_URI);
  return browser.request({ url: `${callback.pathname}${callback.search}` });
}

describe("Pro Santé Connect routes", () => {
  it("signs in a linked account and sends it back to the page it asked for", async () => {
    const user = await createConsoleUser(db, "ADMINISTRATOR");
    await db.account.update({ where: { id: user.id }, data: { pscSubject: "10000000009" } });
    const browser = new TestBrowser(app);
    const back = await throughPsc(browser, "10000000009");
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe("/structures");
    const session = SessionResponse.parse((await browser.session()).json());
    expect(session.user).toMatchObject({ email: user.email, method: "PSC" });
    expect(await db.auditEvent.count({ where: { action: "auth.login", actorId: user.id } })).toBe(1);
  });

  it("refuses an identity linked to no account", async () => {
    const browser = new TestBrowser(app);
    const back = await throughPsc(browser, "19999999999");
    expect(back.headers.location).toBe("/connexion?erreur=psc-non-lie");
    expect(browser.cookies.has("medimail_session")).toBe(false);
  });

  it("refuses a callback without its login cookie, or replayed", async () => {
    const browser = new TestBrowser(app);
    const started = await browser.request({ url: "/api/auth/psc/start" });
    const callback = await logIn(started.headers.location as string, "10000000025", PSC_REDIRECT_URI);
    const stranger = await new TestBrowser(app).request({ url: `${callback.pathname}${callback.search}` });
    expect(stranger.headers.location).toBe("/connexion?erreur=psc-expire");
    const first = await browser.request({ url: `${callback.pathname}${callback.search}` });
    expect(first.headers.location).toBe("/connexion?erreur=psc-non-lie");
    const replay = await browser.request({ url: `${callback.pathname}${callback.search}` });
    expect(replay.headers.location).toBe("/connexion?erreur=psc-expire");
  });

  it("links the identity from a signed-in session, then signs in with it; an identity links to one account", async () => {
    const user = await createConsoleUser(db, "ADMINISTRATOR");
    const session = await signInAs(db, user.email);
    const browser = new TestBrowser(app);
    browser.cookies.set("medimail_session", session.token);
    browser.csrfToken = session.headers["x-csrf-token"];
    const link = await browser.post("/api/me/psc/link");
    expect(link.statusCode).toBe(200);
    const callback = await logIn(link.json().url, "10000000033", PSC_REDIRECT_URI);
    const linked = await browser.request({ url: `${callback.pathname}${callback.search}` });
    expect(linked.headers.location).toBe("/mon-compte?psc=lie");
    expect((await db.account.findUniqueOrThrow({ where: { id: user.id } })).pscSubject).toBe("10000000033");

    const fresh = new TestBrowser(app);
    expect((await throughPsc(fresh, "10000000033")).headers.location).toBe("/structures");

    // another account cannot take the same identity
    const other = await createConsoleUser(db, "ADMINISTRATOR");
    const otherSession = await signInAs(db, other.email);
    const otherBrowser = new TestBrowser(app);
    otherBrowser.cookies.set("medimail_session", otherSession.token);
    otherBrowser.csrfToken = otherSession.headers["x-csrf-token"];
    const otherLink = await otherBrowser.post("/api/me/psc/link");
    const otherCallback = await logIn(otherLink.json().url, "10000000033", PSC_REDIRECT_URI);
    const refused = await otherBrowser.request({ url: `${otherCallback.pathname}${otherCallback.search}` });
    expect(refused.headers.location).toBe("/mon-compte?psc=psc-deja-lie");

    // unlinking ends PSC sign-in for that account
    expect((await browser.post("/api/me/psc/unlink")).statusCode).toBe(204);
    expect((await throughPsc(new TestBrowser(app), "10000000033")).headers.location).toBe(
      "/connexion?erreur=psc-non-lie",
    );
    expect(await db.auditEvent.count({ where: { action: { in: ["auth.psc-linked", "auth.psc-unlinked"] } } })).toBe(2);
  });

  it("refuses a return path to another site", async () => {
    const response = await new TestBrowser(app).request({ url: "/api/auth/psc/start?returnTo=//evil.example/" });
    expect(response.statusCode).toBe(400);
  });
});
