import { z } from "zod";
import { labelledEnum, listOf } from "./common.ts";

export const [LoginMethod, loginMethodLabels] = labelledEnum({
  PASSWORD_EMAIL_CODE: "Mot de passe et code reçu par e-mail",
  PASSWORD_TOTP: "Mot de passe et application d'authentification",
  PASSWORD_RECOVERY_CODE: "Mot de passe et code de secours",
  EMAIL_CODE: "Code reçu par e-mail et application d'authentification",
  PSC: "Pro Santé Connect",
});
export type LoginMethod = z.infer<typeof LoginMethod>;

export const [ConsoleRole, consoleRoleLabels] = labelledEnum({
  OPERATOR: "Opérateur de la plateforme",
  ADMINISTRATOR: "Administrateur de structure",
  SUPPORT: "Support (lecture seule)",
});
export type ConsoleRole = z.infer<typeof ConsoleRole>;

/** A path of the console to come back to after signing in: same-origin only (no open redirect). */
export const ReturnTo = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])[^\s]*$/, "Chemin de retour invalide");

const Email = z
  .string({ error: "Saisissez votre adresse e-mail" })
  .trim()
  .toLowerCase()
  .min(1, "Saisissez votre adresse e-mail")
  .max(254, "Adresse e-mail trop longue")
  .pipe(z.email({ error: "Adresse e-mail invalide" }));

export const PasswordLoginRequest = z.object({
  email: Email,
  password: z.string({ error: "Saisissez votre mot de passe" }).min(1, "Saisissez votre mot de passe").max(200),
  returnTo: ReturnTo.optional(),
});
export type PasswordLoginRequest = z.infer<typeof PasswordLoginRequest>;

export const EmailCodeLoginRequest = z.object({ email: Email, returnTo: ReturnTo.optional() });
export type EmailCodeLoginRequest = z.infer<typeof EmailCodeLoginRequest>;

/**
 * After the first step: which second step the login page shows. EMAIL_CODE_AND_TOTP: "code à usage unique" sign-in,
 * the mailed code together with the authenticator app's (the mailbox alone never opens the console).
 */
export const LoginNextStep = z.object({
  next: z.enum(["EMAIL_CODE", "TOTP", "EMAIL_CODE_AND_TOTP"]),
  /** seconds the code stays valid */
  expiresInSeconds: z.number().int(),
});
export type LoginNextStep = z.infer<typeof LoginNextStep>;

const AppCode = z
  .string({ error: "Saisissez le code de votre application" })
  .trim()
  .min(1, "Saisissez le code de votre application")
  .max(20, "Code invalide")
  .regex(/^(\d{6}|[a-z0-9]{4}-?[a-z0-9]{4})$/i, "Le code comporte 6 chiffres (ou un code de secours)");

/**
 * An emailed code or an authenticator code (6 digits), or a recovery code (xxxx-xxxx); `appCode`: the
 * authenticator's code (or a recovery code) that goes with the mailed code of a "code à usage unique" sign-in.
 */
export const VerifyCodeRequest = z.object({
  code: z
    .string({ error: "Saisissez le code" })
    .trim()
    .min(1, "Saisissez le code")
    .max(20, "Code invalide")
    .regex(/^(\d{6}|[a-z0-9]{4}-?[a-z0-9]{4})$/i, "Le code comporte 6 chiffres"),
  appCode: AppCode.optional(),
});
export type VerifyCodeRequest = z.infer<typeof VerifyCodeRequest>;

export const CurrentUser = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: ConsoleRole,
  method: LoginMethod,
  totpEnabled: z.boolean(),
  pscLinked: z.boolean(),
  /** may run jobs, unlock accounts, change platform settings */
  isOperator: z.boolean(),
});
export type CurrentUser = z.infer<typeof CurrentUser>;

export const SessionResponse = z.object({
  /** send it back in the x-csrf-token header of every POST, PUT, PATCH and DELETE */
  csrfToken: z.string(),
  user: CurrentUser.nullable(),
  /** where the login page sends the browser back after sign-in */
  returnTo: ReturnTo.nullable(),
  pscEnabled: z.boolean(),
  /** seconds of inactivity before the session ends */
  idleTimeoutSeconds: z.number().int(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const PscStartQuery = z.object({ returnTo: ReturnTo.optional() });

export const PscLinkResponse = z.object({ url: z.string() });

export const TotpSetupResponse = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  /** an SVG QR code of otpauthUrl */
  qrSvg: z.string(),
});
export type TotpSetupResponse = z.infer<typeof TotpSetupResponse>;

export const TotpConfirmRequest = z.object({
  code: z
    .string({ error: "Saisissez le code" })
    .trim()
    .regex(/^\d{6}$/, "Le code comporte 6 chiffres"),
});
export type TotpConfirmRequest = z.infer<typeof TotpConfirmRequest>;

export const RecoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodesResponse = z.infer<typeof RecoveryCodesResponse>;

/** Re-entering a factor before a sensitive change: the password, or the authenticator app's code. */
export const ReauthRequest = z
  .object({
    password: z.string().max(200).optional(),
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, "Le code comporte 6 chiffres")
      .optional(),
  })
  .superRefine((value, context) => {
    if (!value.password && !value.code) {
      context.addIssue({ code: "custom", path: ["password"], message: "Saisissez votre mot de passe" });
    }
  });
export type ReauthRequest = z.infer<typeof ReauthRequest>;

/** One of the caller's open sessions ("Mon compte", Sessions ouvertes). */
export const OwnSession = z.object({
  id: z.string(),
  method: LoginMethod,
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** the session of this very request */
  current: z.boolean(),
});
export type OwnSession = z.infer<typeof OwnSession>;
export const OwnSessionListResponse = listOf(OwnSession);
export type OwnSessionListResponse = z.infer<typeof OwnSessionListResponse>;
export const OwnSessionParams = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/, "Identifiant de session invalide"),
});
export const EndedSessionsResponse = z.object({ ended: z.number().int() });

export const LockedAccount = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  structureName: z.string(),
  /** until when the password step is refused; null: locked until an operator unlocks (older permanent locks) */
  lockedUntil: z.iso.datetime().nullable(),
  /** locks in a row (each one longer) */
  lockCount: z.number().int(),
});
export type LockedAccount = z.infer<typeof LockedAccount>;
export const LockedAccountListResponse = listOf(LockedAccount);
