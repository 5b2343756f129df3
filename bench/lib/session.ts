import { openSession } from "@medimail/api/modules/auth/session.repository";
import type { Db } from "@medimail/db/client";

/** Headers of a signed-in demo user (session opened directly: the sign-in itself is measured in login.ts). */
export async function signedInHeaders(db: Db, email: string) {
  const account = await db.account.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const { token, csrfToken } = await openSession(db, {
    accountId: account.id,
    method: "PASSWORD_EMAIL_CODE",
    now: new Date(),
    absoluteHours: 12,
    ip: "127.0.0.1",
    userAgent: "bench",
  });
  return { cookie: `medimail_session=${token}`, "x-csrf-token": csrfToken };
}
