import { openSessionForEmail } from "@medimail/api/modules/auth/session.repository";
import type { Db } from "@medimail/db/client";

/** Headers of a signed-in demo user (session opened directly: the sign-in itself is measured in login.ts). */
export async function signedInHeaders(db: Db, email: string) {
  return (await openSessionForEmail(db, email)).headers;
}
