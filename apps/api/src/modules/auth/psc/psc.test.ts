import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CookieJar,
  followToCallback,
  formAction,
  locationOf,
  logIn as logInAt,
  openLoginForm,
  send,
  submitIdentifier,
} from "../../../../test/psc-browser.ts";
import { type LocalPscProvider, startLocalPscProvider } from "./local-psc-provider.ts";
import { createPscClient, type PscClient, PscError, type PscPendingAuthorization } from "./psc-client.ts";

// Never called: the redirect to it is intercepted (fetch with redirect: "manual").
const REDIRECT_URI = "http://127.0.0.1:9/callback";
const CLIENT = { clientId: "medimail-admin", clientSecret: "secret-de-test-0123456789abcdef" };
const RPPS = "10001234565";
const logIn = (authorizationUrl: string, identifier: string) => logInAt(authorizationUrl, identifier, REDIRECT_URI);

async function rejection(promise: Promise<unknown>): Promise<PscError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PscError);
  return error as PscError;
}

describe("Pro Santé Connect (local provider)", () => {
  let provider: LocalPscProvider;
  let psc: PscClient;

  beforeAll(async () => {
    provider = await startLocalPscProvider({ port: 0, clients: [{ ...CLIENT, redirectUris: [REDIRECT_URI] }] });
    psc = createPscClient({ issuer: provider.issuer, ...CLIENT, redirectUri: REDIRECT_URI, scope: "openid scope_all" });
  });

  afterAll(async () => {
    await provider?.close();
  });

  it("listens on a random port of 127.0.0.1", () => {
    expect(provider.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(provider.issuer).not.toBe("http://127.0.0.1:0");
  });

  it("builds an authorization request with PKCE (S256), state and nonce, fresh for every start", async () => {
    const first = await psc.startAuthorization();
    const second = await psc.startAuthorization();
    const url = new URL(first.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${provider.issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: "code",
      scope: "openid scope_all",
      state: first.state,
      nonce: first.nonce,
      code_challenge_method: "S256",
    });
    expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get("code_challenge")).not.toBe(first.codeVerifier);
    expect(second.state).not.toBe(first.state);
    expect(second.nonce).not.toBe(first.nonce);
    expect(second.codeVerifier).not.toBe(first.codeVerifier);
  });

  it("shows a French login form with a labelled identifier field", async () => {
    const { html } = await openLoginForm(new CookieJar(), (await psc.startAuthorization()).url);
    expect(html).toContain("<title>Pro Santé Connect (simulation locale)</title>");
    expect(html).toMatch(/<label for="rpps">Identifiant national \(RPPS\)<\/label>/);
    expect(html).toMatch(/<input id="rpps" name="rpps" type="text"/);
    expect(html).toMatch(/<button type="submit">Se connecter<\/button>/);
  });

  it("logs in with the typed RPPS: the subject is the sub of the ID token, names come from userinfo", async () => {
    const pending = await psc.startAuthorization();
    const callback = await logIn(pending.url, `  ${RPPS} `);
    expect(callback.searchParams.get("state")).toBe(pending.state);
    expect(callback.searchParams.get("iss")).toBe(provider.issuer);
    expect(callback.searchParams.get("code")).toBeTruthy();

    const identity = await psc.finishAuthorization(callback, pending);
    expect(identity).toEqual({ subject: RPPS, givenName: "Prénom", familyName: `RPPS ${RPPS}` });
  });

  it("gives no names when the scope does not release them", async () => {
    const minimal = createPscClient({ issuer: provider.issuer, ...CLIENT, redirectUri: REDIRECT_URI });
    const pending = await minimal.startAuthorization();
    expect(new URL(pending.url).searchParams.get("scope")).toBe("openid");
    const identity = await minimal.finishAuthorization(await logIn(pending.url, "20002345678"), pending);
    expect(identity).toEqual({ subject: "20002345678", givenName: null, familyName: null });
  });

  it("uses the configured redirect URI for the code exchange, whatever the origin of the callback URL", async () => {
    const pending = await psc.startAuthorization();
    const callback = await logIn(pending.url, RPPS);
    const behindProxy = new URL(`http://interne:3000/callback${callback.search}`);
    await expect(psc.finishAuthorization(behindProxy, pending)).resolves.toMatchObject({ subject: RPPS });
  });

  it("refuses a callback whose state is not the expected one, before spending the code", async () => {
    const pending = await psc.startAuthorization();
    const callback = await logIn(pending.url, RPPS);

    const error = await rejection(psc.finishAuthorization(callback, { ...pending, state: "etat-inattendu" }));
    expect(error.reason).toBe("failed");
    expect(error.message).toBe("La connexion Pro Santé Connect a échoué.");
    expect(error.cause).toBeInstanceOf(Error);

    // The state is checked before the token endpoint is called: the code is still good for the legitimate callback.
    await expect(psc.finishAuthorization(callback, pending)).resolves.toMatchObject({ subject: RPPS });
  });

  it("refuses an authorization code used twice", async () => {
    const pending = await psc.startAuthorization();
    const callback = await logIn(pending.url, RPPS);
    await expect(psc.finishAuthorization(callback, pending)).resolves.toMatchObject({ subject: RPPS });

    const error = await rejection(psc.finishAuthorization(callback, pending));
    expect(error.reason).toBe("failed");
    expect(error.message).toBe("La connexion Pro Santé Connect a échoué.");
    expect(error.cause).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses an unknown code", async () => {
    const pending = await psc.startAuthorization();
    const callback = await logIn(pending.url, RPPS);
    callback.searchParams.set("code", "code-invente");
    const error = await rejection(psc.finishAuthorization(callback, pending));
    expect(error.reason).toBe("failed");
    expect(error.cause).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses an ID token whose nonce is not the expected one", async () => {
    const pending = await psc.startAuthorization();
    const callback = await logIn(pending.url, RPPS);
    const error = await rejection(psc.finishAuthorization(callback, { ...pending, nonce: "nonce-inattendu" }));
    expect(error.reason).toBe("failed");
    expect(error.cause).toMatchObject({ code: "OAUTH_JWT_CLAIM_COMPARISON_FAILED" });
  });

  it("refuses a code obtained with another PKCE challenge", async () => {
    const pending = await psc.startAuthorization();
    const other: PscPendingAuthorization = { ...pending, codeVerifier: (await psc.startAuthorization()).codeVerifier };
    const error = await rejection(psc.finishAuthorization(await logIn(pending.url, RPPS), other));
    expect(error.reason).toBe("failed");
    expect(error.cause).toMatchObject({ error: "invalid_grant" });
  });

  it("requires PKCE from its clients (local provider)", async () => {
    const url = new URL((await psc.startAuthorization()).url);
    url.searchParams.delete("code_challenge");
    url.searchParams.delete("code_challenge_method");
    const callback = locationOf(await send(new CookieJar(), url), url);
    expect(callback.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("refuses an error=access_denied callback", async () => {
    const pending = await psc.startAuthorization();
    const callback = new URL(REDIRECT_URI);
    callback.search = new URLSearchParams({
      error: "access_denied",
      error_description: "L'utilisateur a refusé <script>",
      state: pending.state,
      iss: provider.issuer,
    }).toString();

    const error = await rejection(psc.finishAuthorization(callback, pending));
    expect(error.reason).toBe("denied");
    expect(error.message).toBe("La connexion Pro Santé Connect a été annulée.");
    expect(error.message).not.toContain("access_denied");
  });

  it("shows the form again with an error when the identifier is empty, then accepts a real one", async () => {
    const pending = await psc.startAuthorization();
    const jar = new CookieJar();
    const form = await openLoginForm(jar, pending.url);
    const action = formAction(form.html, form.url);

    const empty = await submitIdentifier(jar, action, "   ");
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toContain("Veuillez saisir votre identifiant national (RPPS).");
    expect(html).toContain('<label for="rpps">Identifiant national (RPPS)</label>');
    expect(formAction(html, action).href).toBe(action.href);

    const callback = await followToCallback(jar, await submitIdentifier(jar, action, RPPS), action, REDIRECT_URI);
    await expect(psc.finishAuthorization(callback, pending)).resolves.toMatchObject({ subject: RPPS });
  });

  it("reports an unreachable provider as unavailable", async () => {
    const unreachable = createPscClient({ issuer: "http://127.0.0.1:9", ...CLIENT, redirectUri: REDIRECT_URI });
    const error = await rejection(unreachable.startAuthorization());
    expect(error.reason).toBe("unavailable");
    expect(error.message).toBe("Le service Pro Santé Connect est momentanément indisponible.");
  });

  it("refuses a non-https issuer other than localhost", () => {
    expect(() => createPscClient({ issuer: "http://psc.example", ...CLIENT, redirectUri: REDIRECT_URI })).toThrow(
      TypeError,
    );
  });
});
