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
  return new PrismaClient({ adapter });
}
