import { Prisma } from "@medimail/db/client";

/** The database refused a second row with the same unique value (an account's email, say). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
