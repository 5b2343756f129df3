import { createDb, type Db } from "@medimail/db/client";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestBrowser } from "../../../test/browser.ts";
import { type App, buildApp } from "../../app.ts";
import { type LocalPscProvider, startLocalPscProvider } from "./psc/local-psc-provider.ts";

// A rate-limited sign-in (429) says in French when to retry: a browser navigation (Pro Santé Connect) lands on the
// sign-in page with that message, never on raw JSON; an API call gets the message in its envelope.
const REDIRECT_URI = "http://127.0.0.1:9/api/auth/psc/callback";
let database: TestDatabase;
let db: Db;
let provider: LocalPscProvider;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ connectionString: database.url, max: 4 });
  provider = await startLocalPscProvider({
    port: 0,
    clients: [{ clientId: "console", clientSecret: "secret", redirectUris: [REDIRECT_URI] }],
  });
  app = await buildApp({
    db,
    auth: {
      loginAttemptsPerMinute: 2,
      psc: { issuer: provider.issuer, clientId: "console", clientSecret: "secret", redirectUri: REDIRECT_URI },
    },
  });
});
afterAll(async () => {
  await app?.close();
  await provider?.close();
  await db?.$disconnect();
  await database?.drop();
});

describe("a rate-limited sign-in", () => {
  it("sends the browser back to the sign-in page with when to retry (Pro Santé Connect)", async () => {
    const start = () =>
      app.inject({
        method: "GET",
        url: "/api/auth/psc/start",
        remoteAddress: "192.0.2.10",
        headers: { accept: "text/html,application/xhtml+xml" },
      });
    expect((await start()).statusCode).toBe(303);
    expect((await start()).statusCode).toBe(303);
    const limited = await start();
    expect(limited.statusCode).toBe(303);
    const location = new URL(limited.headers.location as string, "http://console.invalid");
    expect(location.pathname).toBe("/connexion");
    expect(location.searchParams.get("erreur")).toBe("trop-de-tentatives");
    expect(Number(location.searchParams.get("dans"))).toBeGreaterThan(0);
    expect(Number(location.searchParams.get("dans"))).toBeLessThanOrEqual(60);
  });

  it("answers an API call with a French message saying when to retry", async () => {
    const browser = new TestBrowser(app, "192.0.2.11");
    await browser.session();
    const password = () =>
      browser.post("/api/auth/password", { email: "personne@exemple.fr", password: "pas-le-bon-mot-de-passe" });
    await password();
    await password();
    const limited = await password();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().message).toMatch(
      /^Trop de tentatives depuis votre poste : réessayez dans \d{1,2} secondes?\.$/,
    );
  });
});
