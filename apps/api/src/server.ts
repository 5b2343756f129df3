import pino from "pino";
import { buildApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./database.ts";
import { startBackground } from "./jobs/background.ts";

/** Starts the console: configuration, database, HTTP server; stops gracefully on SIGTERM/SIGINT. */
async function main() {
  const config = loadConfig();
  const logger = pino({
    level: config.LOG_LEVEL,
    ...(config.NODE_ENV === "development" && process.stdout.isTTY
      ? { transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss", ignore: "pid,hostname" } } }
      : {}),
  });
  const database = await openDatabase(config, logger);
  const background = await startBackground({ config, db: database.db, databaseUrl: database.url, log: logger });
  const app = await buildApp({ db: database.db, logger, webDist: config.WEB_DIST || undefined, background });

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
    await database.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await background.stop();
    await database.close();
    throw error;
  }
  const host = config.HOST === "0.0.0.0" || config.HOST === "127.0.0.1" ? "localhost" : config.HOST;
  const mailLine = background.catcher
    ? `E-mails : interceptés par le serveur SMTP local (port ${background.catcher.port}), aucun n'est délivré`
    : "E-mails : envoyés par SMTP_URL";
  console.log(["", `Medimail Admin : http://${host}:${config.PORT}`, ...database.banner, mailLine, ""].join("\n"));
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
