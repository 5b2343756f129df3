import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { PRIORITY_APPLICATION_NAME } from "./pglite-server.ts";

export type * from "../generated/prisma/client.ts";
export { Prisma, PrismaClient } from "../generated/prisma/client.ts";
export * from "../generated/prisma/enums.ts";

export type Db = PrismaClient;
/** The client handed to repositories: the root client or a transaction's. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export interface CreateDbOptions {
  connectionString: string;
  /** pool size of this process; every API instance has its own pool */
  max?: number;
}

/** The connection pool under each client made by createDb (see `poolOf`). */
const pools = new WeakMap<object, pg.Pool>();

export function createDb({ connectionString, max = 10 }: CreateDbOptions): Db {
  const pool = new pg.Pool({ connectionString, max });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Waiting up to 10 s for a connection to start a transaction: the embedded PGlite runs one transaction
  // at a time for all connections, so concurrent jobs queue there (Prisma's default is 2 s).
  const db = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 30_000 } });
  pools.set(db, pool);
  return db;
}

/**
 * The pg pool under a client made by createDb, for the rare statement whose parameters weigh megabytes (an
 * uploaded file). Through Prisma, such a parameter is copied as base64 JSON into the debug history Prisma keeps of
 * its last 100 debug lines, even with debugging off: a 15 MB file stayed in the heap as 40 MB of text until that
 * history moved on. The pool sends a Buffer as it is.
 */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("poolOf: this client was not made by createDb");
  return pool;
}

export interface HealthCheck {
  /** resolves once the database answered `SELECT 1`, rejects when it does not (within `timeoutMs`) */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The readiness check's own connection to the database, outside the application's pool: a `/ready` never waits
 * for a connection that uploads or jobs hold. It names itself PRIORITY_APPLICATION_NAME, so the embedded
 * database's wire server gives it the next turn (a real PostgreSQL just sees the name). Reconnects as needed.
 */
export function createHealthCheck({
  connectionString,
  timeoutMs = 10_000,
}: {
  connectionString: string;
  timeoutMs?: number;
}): HealthCheck {
  const pool = new pg.Pool({
    connectionString,
    max: 1,
    application_name: PRIORITY_APPLICATION_NAME,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // a connection lost while idle: the pool drops it and opens another at the next ping
  pool.on("error", () => {});
  return {
    async ping() {
      await pool.query("SELECT 1");
    },
    close: () => pool.end(),
  };
}
