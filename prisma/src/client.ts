import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

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

export function createDb({ connectionString, max = 10 }: CreateDbOptions): Db {
  const adapter = new PrismaPg({ connectionString, max });
  // Waiting up to 10 s for a connection to start a transaction: the embedded PGlite runs one transaction
  // at a time for all connections, so concurrent jobs queue there (Prisma's default is 2 s).
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 30_000 } });
}
