import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Adapter, type AdapterPayload, type Configuration } from "oidc-provider";

/**
 * Local stand-in for Pro Santé Connect (integration tests, Playwright, demo mode): a real OpenID Connect provider
 * (oidc-provider) whose login page asks for a national identifier (RPPS) instead of a CPS card / e-CPS, and whose
 * consent is implicit. Everything (keys, cookies keys, sessions, codes) lives in memory and dies with `close()`.
 */

export interface LocalPscClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface LocalPscProviderOptions {
  /** 0 (default) = random free port. */
  port?: number;
  /** Default 127.0.0.1. The issuer is `http://<host>:<port>`. */
  host?: string;
  clients: LocalPscClient[];
}

export interface LocalPscProvider {
  issuer: string;
  close(): Promise<void>;
}

const TITLE = "Pro Santé Connect (simulation locale)";
const IDENTIFIER_FIELD = "rpps";
const MAX_FORM_BYTES = 16 * 1024;

export async function startLocalPscProvider(options: LocalPscProviderOptions): Promise<LocalPscProvider> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer();
  // The issuer contains the port, which is only known once listening: listen first, then build the provider.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const provider = new Provider(issuer, providerConfiguration(options.clients));
  const providerHandler = provider.callback();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(new URL(req.url ?? "/", issuer).pathname);
    if (match?.[1] === undefined) {
      providerHandler(req, res);
      return;
    }
    handleInteraction(provider, match[1], req, res).catch(() => {
      // Typically an expired or unknown interaction (missing cookie): nothing more useful to tell the user.
      if (!res.headersSent) sendPage(res, 400, errorPage("Cette demande de connexion a expiré ou est invalide."));
      else res.end();
    });
  });

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive: without this, close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

function providerConfiguration(clients: LocalPscClient[]): Configuration {
  // A fresh RS256 key per start: the built-in development keys would print a warning.
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };

  return {
    // Our own store, because the built-in in-memory adapter prints a warning.
    adapter: createMemoryAdapter(),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    })),
    responseTypes: ["code"],
    pkce: { required: () => true },
    // As with the real PSC, the names are released at the userinfo endpoint for "scope_all", not in the ID token.
    scopes: ["openid", "scope_all"],
    claims: { openid: ["sub"], scope_all: ["given_name", "family_name"] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, given_name: "Prénom", family_name: `RPPS ${id}` }),
    }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    // The defaults below are functions that print a notice on first use: plain values keep the provider quiet.
    clientBasedCORS: () => false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = errorPage(`La demande a été refusée (${out.error}).`);
    },
  };
}

async function handleInteraction(provider: Provider, uid: string, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error("interaction mismatch");
  const action = `/interaction/${encodeURIComponent(uid)}`;

  if (details.prompt.name === "consent" && req.method === "GET") {
    // No consent page: grant what the client asked for (the login page is the only step the user sees).
    const accountId = details.session?.accountId;
    const clientId = details.params.client_id;
    if (accountId === undefined || typeof clientId !== "string") throw new Error("consent without login");
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId });
    if (grant === undefined) throw new Error("grant not found");
    const { missingOIDCScope, missingOIDCClaims } = details.prompt.details;
    if (Array.isArray(missingOIDCScope)) grant.addOIDCScope(missingOIDCScope.join(" "));
    if (Array.isArray(missingOIDCClaims)) grant.addOIDCClaims(missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  if (details.prompt.name !== "login") throw new Error(`unexpected prompt ${details.prompt.name}`);
  if (req.method === "GET") {
    sendPage(res, 200, loginPage(action, "", null));
    return;
  }
  if (req.method !== "POST") {
    sendPage(res, 405, errorPage("Méthode non autorisée."));
    return;
  }
  const typed = new URLSearchParams(await readBody(req)).get(IDENTIFIER_FIELD) ?? "";
  const accountId = typed.trim();
  if (accountId === "") {
    sendPage(res, 400, loginPage(action, typed, "Veuillez saisir votre identifiant national (RPPS)."));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error("form too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}

function layout(body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(TITLE)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
label,input,button{display:block;font-size:1rem}input{margin:.5rem 0 1rem;padding:.5rem;width:100%;box-sizing:border-box}
button{padding:.5rem 1rem}.erreur{color:#b00020}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(TITLE)}</h1>
${body}
</main>
</body>
</html>
`;
}

function loginPage(action: string, value: string, error: string | null): string {
  const alert = error === null ? "" : `<p class="erreur" role="alert" id="rpps-erreur">${escapeHtml(error)}</p>\n`;
  const describedBy = error === null ? "" : ' aria-describedby="rpps-erreur" aria-invalid="true"';
  return layout(`<p>Environnement de test : aucune carte CPS ni e-CPS n'est demandée.</p>
${alert}<form method="post" action="${escapeHtml(action)}">
<label for="rpps">Identifiant national (RPPS)</label>
<input id="rpps" name="${IDENTIFIER_FIELD}" type="text" inputmode="numeric" autocomplete="off" autofocus${describedBy} \
value="${escapeHtml(value)}">
<button type="submit">Se connecter</button>
</form>`);
}

function errorPage(message: string): string {
  return layout(`<p class="erreur" role="alert">${escapeHtml(message)}</p>`);
}

function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Minimal in-memory adapter (one store per provider instance). Keys are `<model>:<id>`; two secondary indexes:
 * session uid → session id (for Session.findByUid) and grant id → keys of the tokens issued under it (so that a replayed
 * authorization code revokes everything issued from it).
 */
function createMemoryAdapter(): (model: string) => Adapter {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const sessionIdsByUid = new Map<string, string>();
  const keysByGrant = new Map<string, Set<string>>();

  function read(key: string): AdapterPayload | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  return (model) => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id);
        const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000;
        entries.set(key, { payload, expiresAt });
        if (model === "Session" && payload.uid !== undefined) sessionIdsByUid.set(payload.uid, id);
        if (payload.grantId !== undefined) {
          const keys = keysByGrant.get(payload.grantId) ?? new Set<string>();
          keys.add(key);
          keysByGrant.set(payload.grantId, keys);
        }
      },
      async find(id) {
        return read(keyOf(id));
      },
      async findByUid(uid) {
        const id = sessionIdsByUid.get(uid);
        return id === undefined ? undefined : read(keyOf(id));
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        const payload = read(keyOf(id));
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        for (const key of keysByGrant.get(grantId) ?? []) entries.delete(key);
        keysByGrant.delete(grantId);
      },
    };
  };
}
