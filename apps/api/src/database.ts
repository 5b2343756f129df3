import path from "node:path";
import { createDb, createHealthCheck, type Db, type HealthCheck } from "@medimail/db/client";
import { startEmbeddedPostgres } from "@medimail/db/embedded";
import { applyMigrations } from "@medimail/db/migrations";
import { DEMO_LOGINS, DEMO_PASSWORD, isEmpty, seedDemo } from "@medimail/db/seed/demo";
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "./config.ts";

export interface Database {
  db: Db;
  /** what /ready asks: its own connection, served first by the embedded database (see createHealthCheck) */
  healthCheck: HealthCheck;
  /** lines for the person who started the console: where the data is, how to log in */
  banner: string[];
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PGlite in DATA_DIR when it is unset; applies pending
 * migrations; loads the demo into an empty embedded database. A real PostgreSQL never gets demo data
 * implicitly (`pnpm db:seed` does it on request).
 */
export async function openDatabase(config: Config, log: FastifyBaseLogger): Promise<Database> {
  const embedded = config.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: path.resolve(config.DATA_DIR, "pglite") });
  const url = config.DATABASE_URL ?? (embedded?.url as string);
  try {
    const { applied, alreadyApplied } = await applyMigrations(url);
    log.info({ applied, alreadyApplied }, applied.length ? "migrations applied" : "database schema up to date");
    const db = createDb({ connectionString: url, max: embedded ? 4 : config.DATABASE_POOL_SIZE });
    if (embedded && config.SEED_DEMO && (await isEmpty(db))) {
      const counts = await seedDemo(db);
      log.info(counts, "demo data loaded");
    }
    const banner = embedded
      ? [
          `Base de données embarquée : ${config.DATA_DIR} (supprimez ce dossier pour repartir de la démo)`,
          `Comptes de démonstration, mot de passe « ${DEMO_PASSWORD} » :`,
          ...DEMO_LOGINS.map((login) => `  - ${login.email} : ${login.role}`),
          "  (le code de connexion envoyé par e-mail se lit dans la page « E-mails interceptés »)",
        ]
      : [`Base de données : ${new URL(url).host}${new URL(url).pathname}`];
    const healthCheck = createHealthCheck({ connectionString: url });
    return {
      db,
      healthCheck,
      banner,
      url,
      embedded: embedded !== null,
      async close() {
        await healthCheck.close();
        await db.$disconnect();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
