import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGliteServer } from "./pglite-server.ts";

export interface EmbeddedPostgres {
  /** a postgres:// URL any client (pg, Prisma, pg-boss) can use */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** folder kept across restarts; undefined = in memory (tests) */
  dataDir?: string;
  /** 0 = any free port */
  port?: number;
}

/**
 * Starts PGlite (PostgreSQL compiled to WASM, in this process) behind a socket that speaks the
 * PostgreSQL wire protocol, so the rest of the application cannot tell it from a real server.
 * PGlite is a single session: connections take turns (see PGliteServer).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { dataDir, port = 0 } = options;
  let releaseLock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = lockDataDir(dataDir);
  }
  try {
    // pg_trgm backs the accounts' free-text search (a migration creates the extension)
    const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
    const server = new PGliteServer(db);
    const actualPort = await server.listen(port, "127.0.0.1");
    return {
      url: `postgresql://postgres:postgres@127.0.0.1:${actualPort}/postgres?sslmode=disable`,
      async stop() {
        await server.close();
        await db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** Two processes opening one PGlite folder would corrupt it: refuse the second one clearly. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "medimail.pid");
  try {
    const pid = Number(readFileSync(lockFile, "utf8"));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `the embedded database in ${dataDir} is already used by process ${pid}; stop it or set DATABASE_URL`,
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
