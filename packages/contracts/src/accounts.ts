// Medimail accounts ("Gestion des utilisateurs Medimail"): one schema per mailbox type, discriminated by `type`,
// read by the create/edit form (react-hook-form + zodResolver) and by the API alike.
import { classifyNationalId } from "@medimail/domain/account-types";
import { identifierError, normalizeFrenchPhone, rppsKeyError } from "@medimail/domain/identifiers";
import { isProfession, isRegion } from "@medimail/domain/referentials";
import { z } from "zod";
import { booleanQuery, PageCursor, pageOf, SearchText, Uuid } from "./common.ts";
import { AccountState, AccountType } from "./enums.ts";

/** Field limits, mirrored by the database column sizes. */
export const ACCOUNT_LIMITS = {
  email: 254,
  name: 100,
  description: 500,
  addressLine: 200,
  city: 100,
  connectionAccounts: 50,
} as const;

const requiredText = (max: number, missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .max(max, `${max} caractères au plus`)
    .refine((value) => !/[\p{Cc}]/u.test(value), "Caractères de contrôle non autorisés");

/** A field the form always sends, empty ("" or null) when not filled in. */
const optionalText = (max: number) =>
  z
    .string({ error: "Texte attendu (vide si non renseigné)" })
    .trim()
    .max(max, `${max} caractères au plus`)
    .refine((value) => !/[\p{Cc}]/u.test(value), "Caractères de contrôle non autorisés")
    .transform((value) => (value === "" ? null : value))
    .nullable();

export const Email = z
  .string({ error: "Saisissez l'adresse e-mail" })
  .trim()
  .toLowerCase()
  .min(1, "Saisissez l'adresse e-mail")
  .max(ACCOUNT_LIMITS.email, `${ACCOUNT_LIMITS.email} caractères au plus`)
  .pipe(z.email({ error: "Adresse e-mail invalide (ex. prenom.nom@chu-toulouse.fr)" }));

const Profession = z
  .string({ error: "Choisissez la profession" })
  .refine((value) => value !== "", "Choisissez la profession")
  .refine((value) => value === "" || isProfession(value), "Profession inconnue");

const Region = z
  .string({ error: "Choisissez la région" })
  .refine((value) => value !== "", "Choisissez la région")
  .refine((value) => value === "" || isRegion(value), "Région inconnue");

/** An RPPS carries a Luhn key: a mistyped digit is caught here rather than by the directory later (MSS008). */
function checkRppsKey(value: string, context: z.RefinementCtx) {
  const message = rppsKeyError(value);
  if (message) context.addIssue({ code: "custom", message });
}

/** RPPS (11 digits) or ADELI (9 digits) in one field; spaces are ignored. */
export const NationalId = z
  .string({ error: "Saisissez l'identifiant RPPS ou ADELI" })
  .transform((value) => value.replace(/\s/g, ""))
  .refine((value) => value !== "", "Saisissez l'identifiant RPPS (11 chiffres) ou ADELI (9 chiffres)")
  .refine(
    (value) => value === "" || classifyNationalId(value) !== null,
    "Identifiant attendu : RPPS (11 chiffres) ou ADELI (9 chiffres)",
  )
  .superRefine(checkRppsKey);

const FinessSite = z
  .string({ error: "Saisissez le FINESS géographique" })
  .transform((value) => value.replace(/\s/g, "").toUpperCase())
  .refine((value) => value !== "", "Saisissez le FINESS géographique de la structure de rattachement")
  .superRefine((value, context) => {
    const error = value === "" ? null : identifierError("FINESS", value);
    if (error) context.addIssue({ code: "custom", message: error });
  });

const Phone = z
  .string({ error: "Numéro de téléphone attendu (vide si aucun)" })
  .trim()
  .max(30, { error: "Numéro trop long", abort: true })
  .refine((value) => value === "" || normalizeFrenchPhone(value) !== null, "Numéro de téléphone français attendu")
  .transform((value) => (value === "" ? null : normalizeFrenchPhone(value)))
  .nullable();

const Postcode = z
  .string({ error: "Code postal attendu (vide si non renseigné)" })
  .trim()
  .refine((value) => value === "" || /^\d{5}$/.test(value), "Code postal à 5 chiffres")
  .transform((value) => (value === "" ? null : value))
  .nullable();

/** A yes/no option of the form (a checkbox): always sent. */
const Option = z.boolean({ error: "Option attendue : oui ou non" });

/** What every type has. */
const common = {
  lastName: requiredText(ACCOUNT_LIMITS.name, "Saisissez le nom"),
  firstName: requiredText(ACCOUNT_LIMITS.name, "Saisissez le prénom"),
  profession: Profession,
  regionCode: Region,
  phone: Phone,
  addressLine: optionalText(ACCOUNT_LIMITS.addressLine),
  postcode: Postcode,
  city: optionalText(ACCOUNT_LIMITS.city),
  /** liste rouge: hidden from the Medimail directory */
  unlisted: Option,
  notifyOnReception: Option,
  notifyDailyDigest: Option,
  notifyOnOpening: Option,
};

const Responsible = z.object(
  {
    lastName: requiredText(ACCOUNT_LIMITS.name, "Saisissez le nom du responsable"),
    firstName: requiredText(ACCOUNT_LIMITS.name, "Saisissez le prénom du responsable"),
    profession: Profession,
    /** the responsible professional's RPPS (11 digits) or ADELI (9 digits) */
    rpps: z
      .string({ error: "Saisissez le RPPS ou l'ADELI du responsable" })
      .transform((value) => value.replace(/\s/g, ""))
      .refine(
        (value) => classifyNationalId(value) !== null,
        "Identifiant du responsable : RPPS (11 chiffres) ou ADELI (9 chiffres)",
      )
      .superRefine(checkRppsKey),
  },
  { error: "Renseignez le responsable de la boîte (nom, prénom, profession, RPPS ou ADELI)" },
);

const CONNECTION_ACCOUNT_MISSING = "Ajoutez au moins un compte de connexion (compte MED, PER ou INT existant)";

/** ORG and APP: a shared mailbox under a responsible professional. */
const shared = {
  ...common,
  finessSite: FinessSite,
  connectionAccounts: z
    .array(Email, { error: CONNECTION_ACCOUNT_MISSING })
    .min(1, CONNECTION_ACCOUNT_MISSING)
    .max(ACCOUNT_LIMITS.connectionAccounts, `${ACCOUNT_LIMITS.connectionAccounts} comptes de connexion au plus`)
    .refine((emails) => new Set(emails).size === emails.length, "Un compte de connexion figure deux fois"),
  responsible: Responsible,
  description: requiredText(ACCOUNT_LIMITS.description, "Décrivez la boîte (service, usage)"),
};

export const MedProfile = z.object({ type: z.literal("MED"), ...common, dematerialisation: Option });
export const PerProfile = z.object({
  type: z.literal("PER"),
  ...common,
  nationalId: NationalId,
  dematerialisation: Option,
});
export const IntProfile = z.object({
  type: z.literal("INT"),
  ...common,
  finessSite: FinessSite,
  dematerialisation: Option,
});
export const OrgProfile = z.object({ type: z.literal("ORG"), ...shared });
export const AppProfile = z.object({
  type: z.literal("APP"),
  ...shared,
  returnAddress: Email.pipe(
    z.string().refine((value) => value.endsWith(".mssante.fr"), "Adresse MSSanté attendue (…@….mssante.fr)"),
  ),
});

const PROFILES = [MedProfile, PerProfile, IntProfile, OrgProfile, AppProfile] as const;
const typeMissing = { error: "Choisissez le type de BAL : MED, PER, INT, ORG ou APP" };

/** The five profiles, each with the same extra fields, still discriminated by type (flat: one form, one body). */
function byType<Extra extends z.ZodRawShape>(extra: Extra) {
  return z.discriminatedUnion(
    "type",
    [
      MedProfile.extend(extra),
      PerProfile.extend(extra),
      IntProfile.extend(extra),
      OrgProfile.extend(extra),
      AppProfile.extend(extra),
    ],
    typeMissing,
  );
}

/** An account's fields, by type (the email aside: it changes through a request applied at night). */
export const AccountProfile = z.discriminatedUnion("type", [...PROFILES], typeMissing);
export type AccountProfileInput = z.input<typeof AccountProfile>;
export type AccountProfile = z.output<typeof AccountProfile>;

/** "Créer un nouvel utilisateur". */
export const CreateAccountRequest = byType({ email: Email });
export type CreateAccountInput = z.input<typeof CreateAccountRequest>;
export type CreateAccountRequest = z.output<typeof CreateAccountRequest>;

/**
 * "Enregistrer l'utilisateur": the profile, possibly of another type ("Changer le type de BAL"), and the version
 * the editor started from (a stale one gets 409 and keeps the input).
 */
/** The version an edit or an action started from (every write names it: a stale one gets 409). */
const Version = z.number({ error: "Version du compte manquante : rechargez le compte" }).int().min(1);

export const UpdateAccountRequest = byType({ version: Version });
export type UpdateAccountInput = z.input<typeof UpdateAccountRequest>;
export type UpdateAccountRequest = z.output<typeof UpdateAccountRequest>;

// --- lists, search, tabs --------------------------------------------------------------------------------------

export const AccountSort = z.enum(["name", "email", "createdAt"]);
export type AccountSort = z.infer<typeof AccountSort>;

export const AccountListQuery = z.object({
  q: SearchText(200).optional(),
  state: AccountState.optional(),
  type: AccountType.optional(),
  /** the structure's daughters too */
  daughters: booleanQuery(),
  sort: AccountSort.default("name"),
  order: z.enum(["asc", "desc"]).default("asc"),
  /** opaque keyset cursor from the previous page's `nextCursor` */
  after: PageCursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AccountListQuery = z.input<typeof AccountListQuery>;

/** What a row of the list and the account's page both start with: the account, its version and its state. */
const accountHead = {
  id: Uuid,
  /** for the actions (validate, reject…), which name the version they act on */
  version: z.number().int(),
  email: z.string(),
  type: AccountType,
  state: AccountState,
  previousState: AccountState.nullable(),
};

export const AccountListItem = z.object({
  ...accountHead,
  lastName: z.string(),
  firstName: z.string(),
  profession: z.string().nullable(),
  rpps: z.string().nullable(),
  adeli: z.string().nullable(),
  mssAddress: z.string().nullable(),
  structureId: Uuid,
  structureName: z.string(),
  createdAt: z.iso.datetime(),
  lastReminderAt: z.iso.datetime().nullable(),
  rejectedAt: z.iso.datetime().nullable(),
  hasPendingEmailChange: z.boolean(),
});
export type AccountListItem = z.infer<typeof AccountListItem>;

export const AccountListResponse = pageOf(AccountListItem);
export type AccountListResponse = z.infer<typeof AccountListResponse>;

export const AccountCountsQuery = z.object({ daughters: booleanQuery() });
export const AccountCounts = z.object({
  VALIDATED: z.number().int(),
  PENDING_VALIDATION: z.number().int(),
  PREREGISTERED: z.number().int(),
  REJECTED: z.number().int(),
  /** pending "demandes de changement de mail" */
  emailChanges: z.number().int(),
});
export type AccountCounts = z.infer<typeof AccountCounts>;

// --- one account -------------------------------------------------------------------------------------------------

export const AccountParams = z.object({ accountId: Uuid });

export const LinkedMailbox = z.object({
  accountId: Uuid,
  email: z.string(),
  name: z.string(),
  type: AccountType,
  isDefault: z.boolean(),
  receptionNotification: z.boolean(),
});
export const DelegateSummary = z.object({
  id: Uuid,
  accountId: Uuid,
  email: z.string(),
  name: z.string(),
  type: AccountType,
  warning: z.string().nullable(),
});
export type DelegateSummary = z.infer<typeof DelegateSummary>;

export const EmailChangeRequestSummary = z.object({
  id: Uuid,
  accountId: Uuid,
  oldEmail: z.string(),
  newEmail: z.string(),
  status: z.enum(["PENDING", "DONE", "CANCELLED", "FAILED"]),
  failureReason: z.string().nullable(),
  requestedAt: z.iso.datetime(),
  doneAt: z.iso.datetime().nullable(),
  accountName: z.string(),
});
export type EmailChangeRequestSummary = z.infer<typeof EmailChangeRequestSummary>;

export const AccountDetail = z.object({
  ...accountHead,
  structure: z.object({ id: Uuid, name: z.string() }),
  lastName: z.string(),
  firstName: z.string(),
  profession: z.string().nullable(),
  regionCode: z.string().nullable(),
  phone: z.string().nullable(),
  addressLine: z.string().nullable(),
  postcode: z.string().nullable(),
  city: z.string().nullable(),
  rpps: z.string().nullable(),
  adeli: z.string().nullable(),
  finessSite: z.string().nullable(),
  responsible: z
    .object({
      lastName: z.string().nullable(),
      firstName: z.string().nullable(),
      profession: z.string().nullable(),
      rpps: z.string().nullable(),
    })
    .nullable(),
  description: z.string().nullable(),
  returnAddress: z.string().nullable(),
  unlisted: z.boolean(),
  dematerialisation: z.boolean(),
  notifyOnReception: z.boolean(),
  notifyDailyDigest: z.boolean(),
  notifyOnOpening: z.boolean(),
  mssAddress: z.string().nullable(),
  /** ORG/APP: the individual accounts allowed in */
  connectionAccounts: z.array(z.object({ accountId: Uuid, email: z.string(), name: z.string(), type: AccountType })),
  /** MED/PER/INT: the ORG/APP mailboxes this account connects to */
  linkedMailboxes: z.array(LinkedMailbox),
  delegates: z.array(DelegateSummary),
  pendingEmailChange: EmailChangeRequestSummary.nullable(),
  createdAt: z.iso.datetime(),
  lastReminderAt: z.iso.datetime().nullable(),
  rejectedAt: z.iso.datetime().nullable(),
  permissions: z.object({
    administer: z.boolean(),
    /** why the caller, who administers the account's structure, may still not change it (its rights); else null */
    restriction: z.string().nullable(),
  }),
});
export type AccountDetail = z.infer<typeof AccountDetail>;

export const CreatedAccount = z.object({ id: Uuid, state: AccountState });

/** Validate, reject, rehabilitate: each names the version the admin saw. */
export const AccountActionRequest = z.object({ version: Version });
export const AccountActionResult = z.object({ state: AccountState, version: z.number().int() });

export const ChangeStructureRequest = z.object({ version: Version, structureId: Uuid });

export const EmailChangeInput = z.object({ newEmail: Email });
export const EmailChangeParams = z.object({ requestId: Uuid });
export const EmailChangeListQuery = z.object({
  daughters: booleanQuery(),
  status: z.enum(["PENDING", "DONE", "CANCELLED", "FAILED"]).optional(),
  /** opaque keyset cursor from the previous page's `nextCursor` */
  after: PageCursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const EmailChangeListResponse = pageOf(EmailChangeRequestSummary);

export const DelegateInput = z.object({ email: Email });
export const DelegationParams = z.object({ accountId: Uuid, delegationId: Uuid });
export const LinkedMailboxParams = z.object({ accountId: Uuid, mailboxId: Uuid });
export const LinkedMailboxInput = z.object({
  isDefault: z.boolean().optional(),
  receptionNotification: z.boolean().optional(),
});

// --- self-registration ------------------------------------------------------------------------------------------

/** ANSSI's advice for a password without second factor: 12 characters at least (a code is asked at sign-in too). */
export const NewPassword = z
  .string({ error: "Choisissez un mot de passe" })
  .min(12, "12 caractères au moins")
  .max(200, "200 caractères au plus");

/** The public sign-up form ("inscription"): an individual professional; the structure comes from enrolment rules. */
export const SelfRegistrationRequest = z.strictObject(
  {
    email: Email,
    lastName: common.lastName,
    firstName: common.firstName,
    profession: Profession,
    regionCode: Region,
    nationalId: z
      .string({ error: "Identifiant RPPS ou ADELI attendu (vide si vous n'en avez pas)" })
      .transform((value) => value.replace(/\s/g, ""))
      .refine(
        (value) => value === "" || classifyNationalId(value) !== null,
        "Identifiant attendu : RPPS (11 chiffres) ou ADELI (9 chiffres), ou laissez vide",
      )
      .superRefine(checkRppsKey),
    postcode: Postcode,
    city: optionalText(ACCOUNT_LIMITS.city),
    liberal: z.boolean({ error: "Indiquez si vous exercez en libéral" }),
    password: NewPassword,
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? "Champ inconnu du formulaire d'inscription"
        : "Formulaire d'inscription attendu",
  },
);
export type SelfRegistrationInput = z.input<typeof SelfRegistrationRequest>;

/** A single-use link from a mail: finish registering, or set a new password. */
export const SetPasswordRequest = z.object({
  token: z.string().min(20).max(200),
  password: NewPassword,
});
