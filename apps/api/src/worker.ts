import pino from "pino";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./database.ts";
import { startBackground } from "./jobs/background.ts";
import { directoryPublisherOf } from "./modules/directory/directory-publisher-config.ts";

/**
 * `pnpm worker`: the scheduler and the job workers without the HTTP server, for deployments that run
 * them apart from the API instances. Any number can run against one database.
 */
async function main() {
  const config = loadConfig({ ...process.env, RUN_WORKERS: "true" });
  const logger = pino({ level: config.LOG_LEVEL });
  const database = await openDatabase(config, logger);
  const directory = await directoryPublisherOf(config, { db: database.db, log: logger, startStandin: false });
  const background = await startBackground({
    config,
    db: database.db,
    databaseUrl: database.url,
    log: logger,
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    directoryPublisher: directory.publisher,
  });
  logger.info("worker started");
  const stop = async (signal: string) => {
    logger.info({ signal }, "worker stopping: finishing running jobs");
    await background.stop();
    await database.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: Error) => {
  console.error(`medimail-worker: ${error instanceof ConfigError ? error.message : error.message}`);
  process.exit(1);
});
