import type { Db } from "@medimail/db/client";
import QRCode from "qrcode";
import { AppError, conflict } from "../../lib/errors.ts";
import { type AuditActor, recordAudit } from "../audit/audit.ts";
import { newTotpSecret, renewRecoveryCodes, totpUri, verifyTotp } from "./totp.ts";

const wrongCode = () =>
  new AppError(400, "INVALID_CODE", "Code incorrect : vérifiez l'heure de votre téléphone et réessayez.");

/** The signed-in user's own second factors: enrol an authenticator app, renew recovery codes, turn it off. */
export function createMeService({ db, now = () => new Date() }: { db: Db; now?: () => Date }) {
  async function current(accountId: string) {
    return db.account.findUniqueOrThrow({
      where: { id: accountId },
      select: { email: true, structureId: true, totpSecret: true, totpEnabledAt: true },
    });
  }

  return {
    /** A new secret to scan (kept pending until a first code confirms it); refused while an app is enrolled. */
    async startTotp(accountId: string) {
      const account = await current(accountId);
      if (account.totpEnabledAt) throw conflict("Une application d'authentification est déjà activée.");
      const secret = newTotpSecret();
      await db.account.update({ where: { id: accountId }, data: { totpSecret: secret, totpLastTimeStep: null } });
      const otpauthUrl = totpUri(secret, account.email);
      const qrSvg = await QRCode.toString(otpauthUrl, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
      return { secret, otpauthUrl, qrSvg };
    },

    /** The first code from the app turns it on and gives the recovery codes (shown once). */
    async confirmTotp(accountId: string, code: string, actor: AuditActor) {
      const account = await current(accountId);
      if (account.totpEnabledAt) throw conflict("Une application d'authentification est déjà activée.");
      if (!account.totpSecret) throw conflict("Commencez par afficher le QR code.");
      if (!(await verifyTotp(db, accountId, code, now()))) throw wrongCode();
      return db.$transaction(async (tx) => {
        await tx.account.update({ where: { id: accountId }, data: { totpEnabledAt: now() } });
        const recoveryCodes = await renewRecoveryCodes(tx, accountId);
        await recordAudit(tx, actor, {
          action: "auth.totp-enabled",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
        });
        return { recoveryCodes };
      });
    },

    /** New recovery codes, on a current code from the app (the old ones stop working). */
    async renewRecoveryCodes(accountId: string, code: string, actor: AuditActor) {
      const account = await current(accountId);
      if (!account.totpEnabledAt) throw conflict("Aucune application d'authentification n'est activée.");
      if (!(await verifyTotp(db, accountId, code, now()))) throw wrongCode();
      return db.$transaction(async (tx) => {
        const recoveryCodes = await renewRecoveryCodes(tx, accountId);
        await recordAudit(tx, actor, {
          action: "auth.recovery-codes-renewed",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
        });
        return { recoveryCodes };
      });
    },

    /** Back to codes by e-mail, on a current code from the app. */
    async disableTotp(accountId: string, code: string, actor: AuditActor) {
      const account = await current(accountId);
      if (!account.totpEnabledAt) throw conflict("Aucune application d'authentification n'est activée.");
      if (!(await verifyTotp(db, accountId, code, now()))) throw wrongCode();
      await db.$transaction(async (tx) => {
        await tx.account.update({
          where: { id: accountId },
          data: { totpSecret: null, totpEnabledAt: null, totpLastTimeStep: null },
        });
        await tx.recoveryCode.deleteMany({ where: { accountId } });
        await recordAudit(tx, actor, {
          action: "auth.totp-disabled",
          entityType: "account",
          entityId: accountId,
          structureId: account.structureId,
        });
      });
    },
  };
}
export type MeService = ReturnType<typeof createMeService>;
