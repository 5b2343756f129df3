import type { Db } from "@medimail/db/client";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import type { LightMyRequestResponse } from "fastify";
import { openSessionForEmail } from "../src/modules/auth/session.repository.ts";

/** The headers of a signed-in browser: its session cookie and the CSRF token of that session. */
export interface SignedIn {
  headers: { cookie: string; "x-csrf-token": string };
  token: string;
}

/**
 * Opens a session for an account directly in the database (the sign-in flow itself is tested in the auth
 * module; other tests only need a signed-in caller).
 */
export function signInAs(db: Db, email: string): Promise<SignedIn> {
  return openSessionForEmail(db, email);
}

/** The value of a Set-Cookie of a response, or undefined. */
export function cookieOf(response: LightMyRequestResponse, name: string): string | undefined {
  return response.cookies.find((cookie) => cookie.name === name)?.value;
}

/** A console user in a new structure: an operator, or the administrator of that structure. */
export async function createConsoleUser(
  db: Db,
  role: "OPERATOR" | "SUPPORT" | "ADMINISTRATOR",
  overrides: { email?: string; structureId?: string } = {},
): Promise<{ id: string; email: string; structureId: string }> {
  const structureId = overrides.structureId ?? (await createStructure(db)).id;
  const account = await createAccount(db, structureId, {
    type: "MED",
    email: overrides.email,
    platformRole: role === "ADMINISTRATOR" ? null : role,
  });
  if (role === "ADMINISTRATOR") await db.structureAdmin.create({ data: { structureId, accountId: account.id } });
  if (role === "SUPPORT") await db.supportGrant.create({ data: { structureId, accountId: account.id } });
  return { id: account.id, email: account.email, structureId };
}
