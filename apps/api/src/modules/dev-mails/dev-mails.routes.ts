import { CaughtMailListResponse } from "@medimail/contracts/dev-mails";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { SmtpCatcher } from "../mail/smtp-catcher.ts";

/**
 * Development only: the mails the built-in SMTP catcher kept, so a new user can read a code or a notice
 * without a mail server. Registered only when the catcher runs, which the configuration refuses in production.
 * Public on purpose: the person reading a sign-in code here is not signed in yet.
 */
export const devMailsRoutes: FastifyPluginAsyncZod<{ catcher: SmtpCatcher }> = async (app, { catcher }) => {
  app.get(
    "/dev/mails",
    {
      config: { access: "public" },
      schema: {
        tags: ["développement"],
        summary: "E-mails interceptés par le serveur SMTP local (développement)",
        response: { 200: CaughtMailListResponse },
      },
    },
    async () => ({
      items: catcher.mails().map((mail) => ({ ...mail, receivedAt: mail.receivedAt.toISOString() })),
    }),
  );
};
