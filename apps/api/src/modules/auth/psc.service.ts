import type { Db } from "@medimail/db/client";
import { z } from "zod";
import { recordAudit } from "../audit/audit.repository.ts";
import { CODE_VALIDITY_MINUTES } from "./auth-settings.ts";
import type { LoginService, RequestOrigin } from "./login.service.ts";
import { type PscClient, PscError } from "./psc/psc-client.ts";
import { createPscRepository } from "./psc.repository.ts";
import { hashToken, randomToken } from "./tokens.ts";

const PendingAuthorization = z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string() });

type PscFailure = "psc-annule" | "psc-indisponible" | "psc-echec" | "psc-non-lie" | "psc-deja-lie" | "psc-expire";

/**
 * Where the callback sends the browser: a console page, with the outcome in the query for the page to show
 * (the sign-in page, or "Mon compte" for a link); and the new session when one was opened.
 */
export interface PscOutcome {
  redirectTo: string;
  sessionToken?: string;
}

const failed = (error: PscFailure, linking: boolean): PscOutcome => ({
  redirectTo: linking ? `/mon-compte?psc=${error}` : `/connexion?erreur=${error}`,
});

/**
 * Pro Santé Connect. Signing in: only an account whose PSC identity (the `sub` of the ID token: the national
 * identifier) was linked beforehand may enter. Linking: from a signed-in session, the identity returned by PSC
 * is attached to that account.
 */
export function createPscService({
  db,
  client,
  login,
  now = () => new Date(),
}: {
  db: Db;
  client: PscClient;
  login: LoginService;
  now?: () => Date;
}) {
  const repository = createPscRepository(db);
  async function start(options: { returnTo?: string; linkToAccountId?: string; ip: string | null }) {
    const authorization = await client.startAuthorization();
    const token = randomToken();
    await repository.createChallenge({
      id: hashToken(token),
      psc: { state: authorization.state, nonce: authorization.nonce, codeVerifier: authorization.codeVerifier },
      linkToAccountId: options.linkToAccountId ?? null,
      returnTo: options.returnTo ?? null,
      ip: options.ip,
      expiresAt: new Date(now().getTime() + CODE_VALIDITY_MINUTES * 60_000),
    });
    return { challengeToken: token, url: authorization.url };
  }

  return {
    /** The provider's authorization URL, bound to a new login cookie (state, nonce and PKCE verifier kept here). */
    startSignIn: (options: { returnTo?: string; ip: string | null }) => start(options),
    startLink: (accountId: string, ip: string | null) => start({ linkToAccountId: accountId, ip }),

    async finish(
      input: { challengeToken: string | undefined; callbackUrl: URL; previousSessionToken: string | undefined },
      origin: RequestOrigin,
    ): Promise<PscOutcome> {
      if (!input.challengeToken) return failed("psc-expire", false);
      const id = hashToken(input.challengeToken);
      const challenge = await repository.findChallenge(id);
      const consumed = await repository.consumeChallenge(id, now());
      const pending = PendingAuthorization.safeParse(challenge?.psc);
      const linking = challenge?.linkToAccountId != null;
      if (!challenge || !consumed || !pending.success) return failed("psc-expire", linking);

      let subject: string;
      try {
        subject = (await client.finishAuthorization(input.callbackUrl, pending.data)).subject;
      } catch (cause) {
        const reason = cause instanceof PscError ? cause.reason : "failed";
        const error = reason === "denied" ? "psc-annule" : reason === "unavailable" ? "psc-indisponible" : "psc-echec";
        return failed(error, linking);
      }

      if (challenge.linkToAccountId) {
        const accountId = challenge.linkToAccountId;
        const taken = await repository.findAccountBySubject(subject);
        if (taken && taken.id !== accountId) return failed("psc-deja-lie", true);
        await db.$transaction(async (tx) => {
          const account = await createPscRepository(tx).link(accountId, subject);
          await recordAudit(
            tx,
            { id: accountId, label: account.email, ip: origin.ip, requestId: origin.requestId },
            {
              action: "auth.psc-linked",
              entityType: "account",
              entityId: accountId,
              structureId: account.structureId,
              after: { pscSubject: subject },
            },
          );
        });
        return { redirectTo: "/mon-compte?psc=lie" };
      }

      const linked = await repository.findAccountBySubject(subject);
      const account = linked ? await login.findAccount(linked.email) : null;
      if (!account || !login.mayEnter(account)) return failed("psc-non-lie", false);
      const session = await db.$transaction((tx) =>
        login.openSessionFor(tx, {
          account,
          method: "PSC",
          origin,
          previousSessionToken: input.previousSessionToken,
        }),
      );
      return { sessionToken: session.sessionToken, redirectTo: challenge.returnTo ?? "/" };
    },

    async unlink(
      accountId: string,
      actor: { label: string; ip: string | null; requestId: string | null },
    ): Promise<void> {
      await db.$transaction(async (tx) => {
        const links = createPscRepository(tx);
        const before = await links.findLink(accountId);
        if (!before.pscSubject) return;
        await links.unlink(accountId);
        await recordAudit(
          tx,
          { id: accountId, ...actor },
          {
            action: "auth.psc-unlinked",
            entityType: "account",
            entityId: accountId,
            structureId: before.structureId,
            before: { pscSubject: before.pscSubject },
          },
        );
      });
    },
  };
}
export type PscService = ReturnType<typeof createPscService>;
