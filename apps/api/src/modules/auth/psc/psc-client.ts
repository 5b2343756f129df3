import {
  AuthorizationResponseError,
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  ClientSecretBasic,
  type Configuration,
  calculatePKCECodeChallenge,
  discovery,
  fetchUserInfo,
  randomNonce,
  randomPKCECodeVerifier,
  randomState,
} from "openid-client";

export interface PscConfig {
  /** Issuer identifier (discovery is done at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Must be byte-for-byte the redirect URI registered at PSC. */
  redirectUri: string;
  /** Default "openid". The real PSC needs e.g. "openid scope_all" to release the name claims. */
  scope?: string;
  /** acr_values of the authorization request (the real PSC asks for "eidas1") */
  acrValues?: string;
}

/** What the caller must keep (server side, e.g. in a signed short-lived cookie) between the two steps. */
export interface PscPendingAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export type PscAuthorizationStart = PscPendingAuthorization & { url: string };

export interface PscIdentity {
  /** `sub` of the validated ID token: for PSC, the national identifier of the professional (RPPS-based). */
  subject: string;
  givenName: string | null;
  familyName: string | null;
}

export interface PscClient {
  startAuthorization(): Promise<PscAuthorizationStart>;
  finishAuthorization(callbackUrl: URL, expected: PscPendingAuthorization): Promise<PscIdentity>;
}

/**
 * - "denied": the user (or PSC) refused the authorization (error=access_denied in the callback);
 * - "unavailable": PSC could not be reached (discovery failed);
 * - "failed": anything else (state/nonce mismatch, invalid or replayed code, unexpected response…).
 */
export type PscErrorReason = "denied" | "unavailable" | "failed";

const MESSAGES: Record<PscErrorReason, string> = {
  denied: "La connexion Pro Santé Connect a été annulée.",
  unavailable: "Le service Pro Santé Connect est momentanément indisponible.",
  failed: "La connexion Pro Santé Connect a échoué.",
};

/** The message is safe to show to the user; the provider's details are only kept in `cause` (for the logs). */
export class PscError extends Error {
  override readonly name = "PscError";
  readonly reason: PscErrorReason;

  constructor(reason: PscErrorReason, options?: { cause?: unknown }) {
    super(MESSAGES[reason], options);
    this.reason = reason;
  }
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);

export function createPscClient(config: PscConfig): PscClient {
  const issuer = new URL(config.issuer);
  const redirectUri = new URL(config.redirectUri);
  const scope = config.scope ?? "openid";
  // Plain http is only acceptable for the local stand-in (tests, demo): fail at startup rather than at first login.
  const insecureAllowed = LOCAL_HOSTS.has(issuer.hostname);
  if (issuer.protocol !== "https:" && !insecureAllowed) {
    throw new TypeError(`PSC issuer must use https: ${config.issuer}`);
  }

  // One discovery per client, done on first use so that the API can boot while PSC is down.
  // A failed discovery is forgotten so that the next login attempt tries again.
  let configuration: Promise<Configuration> | undefined;
  function getConfiguration(): Promise<Configuration> {
    if (configuration === undefined) {
      const pending = discovery(issuer, config.clientId, undefined, ClientSecretBasic(config.clientSecret), {
        execute: insecureAllowed ? [allowInsecureRequests] : [],
      });
      configuration = pending;
      pending.catch(() => {
        if (configuration === pending) configuration = undefined;
      });
    }
    return configuration;
  }

  async function getConfigurationOrThrow(): Promise<Configuration> {
    try {
      return await getConfiguration();
    } catch (cause) {
      throw new PscError("unavailable", { cause });
    }
  }

  return {
    async startAuthorization() {
      const openid = await getConfigurationOrThrow();
      const pending: PscPendingAuthorization = {
        state: randomState(),
        nonce: randomNonce(),
        codeVerifier: randomPKCECodeVerifier(),
      };
      const url = buildAuthorizationUrl(openid, {
        redirect_uri: redirectUri.href,
        scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: "S256",
        ...(config.acrValues ? { acr_values: config.acrValues } : {}),
      });
      return { ...pending, url: url.href };
    },

    async finishAuthorization(callbackUrl, expected) {
      const openid = await getConfigurationOrThrow();
      // openid-client sends the callback URL stripped of its query as `redirect_uri` to the token endpoint. Behind a
      // reverse proxy the URL rebuilt from the request may differ from the registered one (scheme, host, port), so only
      // the query of the callback is kept and grafted onto the configured redirect URI.
      const currentUrl = new URL(redirectUri.href);
      currentUrl.search = callbackUrl.search;
      try {
        // Checks, in this order: iss, state, error=…, then the code exchange (PKCE verifier, client_secret_basic), then
        // the ID token (signature, iss, aud, exp, nonce).
        const tokens = await authorizationCodeGrant(openid, currentUrl, {
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          pkceCodeVerifier: expected.codeVerifier,
        });
        const idToken = tokens.claims();
        if (idToken === undefined) throw new Error("no ID token in the token endpoint response");
        // The names are not in PSC's ID token but at its userinfo endpoint; fetchUserInfo checks that its `sub` is the
        // one of the ID token.
        const profile = openid.serverMetadata().userinfo_endpoint
          ? await fetchUserInfo(openid, tokens.access_token, idToken.sub)
          : idToken;
        return {
          subject: idToken.sub,
          givenName: stringClaim(profile.given_name ?? idToken.given_name),
          familyName: stringClaim(profile.family_name ?? idToken.family_name),
        };
      } catch (cause) {
        const denied = cause instanceof AuthorizationResponseError && cause.error === "access_denied";
        throw new PscError(denied ? "denied" : "failed", { cause });
      }
    },
  };
}

function stringClaim(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
