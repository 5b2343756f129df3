import type { ConsoleRole, CurrentUser, LoginMethod } from "@medimail/contracts/auth";
import type { Db, DbTx } from "@medimail/db/client";
import { hasConsoleAccess, type PlatformRole, type Principal, principalRole } from "@medimail/domain/access";
import { hashToken, randomToken } from "./tokens.ts";

/** A signed-in caller: their session, who they are, and what the permission layer needs. */
export interface AuthContext {
  sessionId: string;
  csrfToken: string;
  user: CurrentUser;
  principal: Principal;
  structureId: string;
}

interface SessionRow {
  id: string;
  csrfToken: string;
  method: LoginMethod;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  accountId: string;
  email: string;
  firstName: string;
  lastName: string;
  structureId: string;
  state: string;
  platformRole: PlatformRole | null;
  lockedAt: Date | null;
  totpEnabled: boolean;
  pscLinked: boolean;
  administeredStructureIds: string[];
  supportStructureIds: string[];
}

export type SessionCheck =
  | { ok: true; context: AuthContext; touch: boolean }
  | { ok: false; reason: "unknown" | "ended" };

/** Last-seen is written at most this often: one write per minute per user, not one per request. */
const TOUCH_EVERY_MS = 60_000;

export function createSessionRepository(
  db: Db,
  settings: { sessionIdleMinutes: number; sessionAbsoluteHours: number },
) {
  return {
    /**
     * The session behind a cookie token, checked against the timeouts and against the account as it is now
     * (locked, rejected or no longer an administrator ⇒ the session ends at once). One query.
     */
    async check(token: string, now: Date): Promise<SessionCheck> {
      const [row] = await db.$queryRaw<SessionRow[]>`
        SELECT s.id, s.csrf_token AS "csrfToken", s.method::text AS method, s.last_seen_at AS "lastSeenAt",
               s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt",
               a.id AS "accountId", a.email, a.first_name AS "firstName", a.last_name AS "lastName",
               a.structure_id AS "structureId", a.state::text AS state, a.platform_role::text AS "platformRole",
               a.locked_at AS "lockedAt", a.totp_enabled_at IS NOT NULL AS "totpEnabled",
               a.psc_subject IS NOT NULL AS "pscLinked",
               ARRAY(SELECT structure_id::text FROM structure_admin WHERE account_id = a.id) AS "administeredStructureIds",
               ARRAY(SELECT structure_id::text FROM support_grant WHERE account_id = a.id) AS "supportStructureIds"
          FROM session s JOIN account a ON a.id = s.account_id
         WHERE s.id = ${hashToken(token)}`;
      if (!row) return { ok: false, reason: "unknown" };
      const principal: Principal = {
        accountId: row.accountId,
        platformRole: row.platformRole,
        administeredStructureIds: row.administeredStructureIds,
        supportStructureIds: row.supportStructureIds,
      };
      const idleSince = now.getTime() - row.lastSeenAt.getTime();
      const role = principalRole(principal);
      const ended =
        row.revokedAt !== null ||
        row.expiresAt <= now ||
        idleSince > settings.sessionIdleMinutes * 60_000 ||
        row.lockedAt !== null ||
        row.state !== "VALIDATED" ||
        !hasConsoleAccess(principal) ||
        role === null;
      if (ended || role === null) {
        if (row.revokedAt === null) await this.revoke(row.id, now);
        return { ok: false, reason: "ended" };
      }
      return {
        ok: true,
        touch: idleSince > TOUCH_EVERY_MS,
        context: {
          sessionId: row.id,
          csrfToken: row.csrfToken,
          structureId: row.structureId,
          principal,
          user: {
            id: row.accountId,
            email: row.email,
            firstName: row.firstName,
            lastName: row.lastName,
            role: role satisfies ConsoleRole,
            method: row.method,
            totpEnabled: row.totpEnabled,
            pscLinked: row.pscLinked,
            isOperator: row.platformRole === "OPERATOR",
          },
        },
      };
    },

    async touch(sessionId: string, now: Date): Promise<void> {
      await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { lastSeenAt: now } });
    },

    async revoke(sessionId: string, now: Date): Promise<void> {
      await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
    },
  };
}
export type SessionRepository = ReturnType<typeof createSessionRepository>;

/** Opens a session in the caller's transaction; returns the cookie token (only its hash is stored). */
export async function openSession(
  tx: DbTx,
  options: {
    accountId: string;
    method: LoginMethod;
    now: Date;
    absoluteHours: number;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  await tx.session.create({
    data: {
      id: hashToken(token),
      accountId: options.accountId,
      csrfToken,
      method: options.method,
      ip: options.ip,
      userAgent: options.userAgent?.slice(0, 300) ?? null,
      createdAt: options.now,
      lastSeenAt: options.now,
      expiresAt: new Date(options.now.getTime() + options.absoluteHours * 3_600_000),
    },
  });
  return { token, csrfToken };
}

/**
 * A session for an account found by email, opened directly (tests and benchmarks that need a signed-in caller
 * without going through the sign-in steps): the cookie and CSRF headers a browser would send.
 */
export async function openSessionForEmail(db: Db, email: string) {
  const account = await db.account.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const { token, csrfToken } = await openSession(db, {
    accountId: account.id,
    method: "PASSWORD_EMAIL_CODE",
    now: new Date(),
    absoluteHours: 12,
    ip: "127.0.0.1",
    userAgent: null,
  });
  return { token, headers: { cookie: `medimail_session=${token}`, "x-csrf-token": csrfToken } };
}
