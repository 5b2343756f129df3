import { DEMO_PSC_SUBJECT } from "@medimail/db/seed/demo";
import pino from "pino";
import { buildApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./database.ts";
import { startBackground } from "./jobs/background.ts";
import type { PscConfig } from "./modules/auth/psc/psc-client.ts";
import { DEVELOPMENT_SECRETS_KEY, secretKeysOf } from "./modules/auth/secrets.ts";
import { randomToken } from "./modules/auth/tokens.ts";
import { directoryPublisherOf } from "./modules/directory/directory-publisher-config.ts";
import { createOnlineCommuneDirectory } from "./modules/geo/communes.ts";

/** Starts the console: configuration, database, HTTP server; stops gracefully on SIGTERM/SIGINT. */
async function main() {
  const config = loadConfig();
  const logger = pino({
    level: config.LOG_LEVEL,
    ...(config.NODE_ENV === "development" && process.stdout.isTTY
      ? { transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss", ignore: "pid,hostname" } } }
      : {}),
  });
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const psc = await pscConfiguration(config, publicUrl);
  const database = await openDatabase(config, logger);
  const directory = await directoryPublisherOf(config, { db: database.db, log: logger, startStandin: true });
  const background = await startBackground({
    config,
    db: database.db,
    databaseUrl: database.url,
    log: logger,
    publicUrl,
    directoryPublisher: directory.publisher,
  });
  const app = await buildApp({
    db: database.db,
    pingDatabase: () => database.healthCheck.ping(),
    logger,
    webDist: config.WEB_DIST || undefined,
    background,
    trustProxy: config.TRUST_PROXY,
    publicUrl,
    apiDocs: config.NODE_ENV !== "production",
    ...(config.COMMUNES_API_URL ? { communes: createOnlineCommuneDirectory(config.COMMUNES_API_URL) } : {}),
    auth: {
      cookieSecure: config.COOKIE_SECURE ?? config.NODE_ENV === "production",
      sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
      sessionAbsoluteHours: config.SESSION_ABSOLUTE_HOURS,
      loginAttemptsPerMinute: config.LOGIN_ATTEMPTS_PER_MINUTE,
      accountLockThreshold: config.ACCOUNT_LOCK_THRESHOLD,
      accountLockMinutes: config.ACCOUNT_LOCK_MINUTES,
      psc: psc?.config,
      secrets: secretKeysOf(config.SECRETS_KEY ?? DEVELOPMENT_SECRETS_KEY, config.SECRETS_KEY_PREVIOUS),
    },
  });

  let shuttingDown = false;
  // While draining, new requests get a clean 503 (load balancers retry elsewhere) instead of a reset.
  app.addHook("onRequest", async (_request, reply) => {
    if (shuttingDown) {
      reply.header("connection", "close");
      return reply
        .code(503)
        .send({ statusCode: 503, code: "SERVICE_UNAVAILABLE", message: "Arrêt en cours", requestId: _request.id });
    }
  });
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    const timer = setTimeout(() => {
      logger.error("in-flight requests did not finish in time: exiting");
      process.exit(1);
    }, config.SHUTDOWN_GRACE_SECONDS * 1000);
    timer.unref();
    await app.close();
    await background.stop();
    await directory.close();
    await database.close();
    await psc?.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await background.stop();
    await directory.close();
    await database.close();
    await psc?.close();
    throw error;
  }
  const host = config.HOST === "0.0.0.0" || config.HOST === "127.0.0.1" ? "localhost" : config.HOST;
  const mailLine = background.catcher
    ? `E-mails : interceptés par le serveur SMTP local (port ${background.catcher.port}), aucun n'est délivré`
    : "E-mails : envoyés par SMTP_URL";
  const pscLine = psc?.banner ?? "Pro Santé Connect : non configuré (PSC_ISSUER)";
  console.log(
    ["", `Medimail Admin : http://${host}:${config.PORT}`, ...database.banner, mailLine, pscLine, ""].join("\n"),
  );
}

/**
 * Pro Santé Connect: the real provider when PSC_ISSUER is set; in development, a local simulation (any
 * national identifier is accepted there, only linked accounts may enter); otherwise none.
 */
async function pscConfiguration(config: Config, publicUrl: string) {
  const redirectUri = `${publicUrl}/api/auth/psc/callback`;
  if (config.PSC_ISSUER && config.PSC_CLIENT_ID && config.PSC_CLIENT_SECRET) {
    const pscConfig: PscConfig = {
      issuer: config.PSC_ISSUER,
      clientId: config.PSC_CLIENT_ID,
      clientSecret: config.PSC_CLIENT_SECRET,
      redirectUri,
      scope: config.PSC_SCOPE,
      acrValues: config.PSC_ACR_VALUES,
    };
    return { config: pscConfig, banner: `Pro Santé Connect : ${config.PSC_ISSUER}`, close: async () => undefined };
  }
  if (config.NODE_ENV !== "development" || config.PSC_LOCAL_PORT === 0) return null;
  const clientSecret = randomToken();
  // loaded only here: oidc-provider is large, and production never starts it
  const { startLocalPscProvider } = await import("./modules/auth/psc/local-psc-provider.ts");
  const provider = await startLocalPscProvider({
    port: config.PSC_LOCAL_PORT,
    clients: [{ clientId: "medimail-admin-local", clientSecret, redirectUris: [redirectUri] }],
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") {
      throw new ConfigError(
        `the local Pro Santé Connect port ${config.PSC_LOCAL_PORT} is in use: set PSC_LOCAL_PORT (0 = off)`,
      );
    }
    throw error;
  });
  return {
    config: {
      issuer: provider.issuer,
      clientId: "medimail-admin-local",
      clientSecret,
      redirectUri,
      scope: "openid scope_all",
    },
    banner: `Pro Santé Connect : simulation locale ${provider.issuer} (identifiant de démonstration ${DEMO_PSC_SUBJECT})`,
    close: () => provider.close(),
  };
}

main().catch((error: NodeJS.ErrnoException) => {
  // One clear line for the mistakes a person makes, not a stack trace.
  const message =
    error instanceof ConfigError
      ? error.message
      : error.code === "EADDRINUSE"
        ? `port already in use (${(error as { address?: string }).address ?? ""}:${(error as { port?: number }).port ?? ""}): stop the other process or set PORT`
        : error.code === "ECONNREFUSED" || error.code === "ENOTFOUND" || error.code === "EAI_AGAIN"
          ? `database unreachable (${error.message}): check DATABASE_URL`
          : `startup failed: ${error.message}`;
  console.error(`medimail-admin: ${message}`);
  process.exit(1);
});
