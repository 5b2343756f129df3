import { identifierError, normalizeFrenchPhone } from "@medimail/domain/identifiers";
import { z } from "zod";
import { labelledEnum, listOf, SearchText, Uuid } from "./common.ts";
import { StructureIdentifierType } from "./enums.ts";

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .transform((value) => (value === "" ? null : value))
    .nullable();

/** "Identité": editable by the structure's administrators. */
export const StructureIdentityInput = z
  .object({
    name: z.string().trim().min(1, "Saisissez le nom de la structure").max(200, "200 caractères au plus"),
    kind: optionalText(100, "100 caractères au plus"),
    identifierType: StructureIdentifierType.nullable(),
    identifier: optionalText(20, "Identifiant trop long"),
    phone: optionalText(30, "Numéro trop long"),
  })
  .superRefine((value, context) => {
    if (value.identifier && !value.identifierType) {
      context.addIssue({ code: "custom", path: ["identifierType"], message: "Choisissez FINESS, SIREN ou SIRET" });
    }
    if (value.identifier && value.identifierType) {
      const error = identifierError(value.identifierType, value.identifier);
      if (error) context.addIssue({ code: "custom", path: ["identifier"], message: error });
    }
    if (value.phone && !normalizeFrenchPhone(value.phone)) {
      context.addIssue({
        code: "custom",
        path: ["phone"],
        message: "Numéro de téléphone français attendu (ex. 05 61 77 22 33)",
      });
    }
  })
  .transform((value) => ({
    ...value,
    identifier: value.identifier ? value.identifier.replace(/\s/g, "").toUpperCase() : null,
    identifierType: value.identifier ? value.identifierType : null,
    phone: value.phone ? normalizeFrenchPhone(value.phone) : null,
  }));
export type StructureIdentityInput = z.input<typeof StructureIdentityInput>;

/** -1 = unlimited, 0 = none, otherwise the number of MSSanté addresses allowed for the type. */
const Quota = z
  .number({ error: "Saisissez un nombre" })
  .int("Nombre entier attendu")
  .min(-1, "-1 (illimité), 0 (aucune) ou un nombre positif");

/** "MSSanté": the platform operator's only (domain, quotas per type, admin-only creation). */
export const StructureMssanteInput = z.object({
  mssDomain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .transform((value) => (value === "" ? null : value))
    .nullable()
    .refine((value) => value === null || /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+mssante\.fr$/.test(value), {
      message: "Domaine attendu de la forme nom-de-structure.mssante.fr",
    }),
  quotaPer: Quota,
  quotaOrg: Quota,
  quotaApp: Quota,
  mssAdminOnly: z.boolean(),
});
export type StructureMssanteInput = z.input<typeof StructureMssanteInput>;

/** "Localisation": the street line, and a commune chosen in the list (the département and région follow). */
export const StructureLocationInput = z
  .object({
    addressLine: z
      .string()
      .trim()
      .max(200, "200 caractères au plus")
      .transform((value) => (value === "" ? null : value))
      .nullable(),
    cityInseeCode: z
      .string()
      .regex(/^(\d{5}|2[AB]\d{3})$/, "Choisissez la commune dans la liste")
      .nullable(),
    postcode: z
      .string()
      .regex(/^\d{5}$/, "Code postal à 5 chiffres")
      .nullable(),
  })
  .refine((value) => (value.cityInseeCode === null) === (value.postcode === null), {
    path: ["postcode"],
    message: "Choisissez la commune et son code postal",
  });
export type StructureLocationInput = z.input<typeof StructureLocationInput>;

/** "Notifications": defaults given to new accounts, and who among the admins is told of validations. */
export const StructureNotificationsInput = z.object({
  notifyOnReception: z.boolean(),
  notifyDailyDigest: z.boolean(),
  notifyConnectionAccount: z.boolean(),
  notifyOnOpening: z.boolean(),
  adminNotificationEmails: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .pipe(z.email({ error: "Adresse e-mail invalide" })),
    )
    .max(20, "20 adresses au plus"),
});
export type StructureNotificationsInput = z.input<typeof StructureNotificationsInput>;

/** "Office 365" (legacy): the operator's, only for structures that already have it. */
export const StructureOffice365Input = z.object({
  office365Quota: z
    .number({ error: "Saisissez un nombre" })
    .int("Nombre entier attendu")
    .min(-1, "-1 (illimité), 0 (aucun) ou un nombre positif"),
});

export const [PracticeStatus, practiceStatusLabels] = labelledEnum({
  ANY: "Indifférent",
  LIBERAL: "Libéral",
  NON_LIBERAL: "Non libéral",
});

/** An optional criterion: absent, null or "" all mean "any". */
const optionalCode = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .nullish()
    .transform((value) => (value ? value : null))
    .refine((value) => value === null || pattern.test(value), { message });

/** "Enrôlement automatique": a self-registration matching every filled criterion lands in the structure. */
export const EnrolmentRuleInput = z
  .object({
    emailDomain: optionalCode(/^([a-z0-9-]+\.)+[a-z]{2,}$/i, "Domaine attendu, ex. chu-toulouse.fr"),
    regionCode: optionalCode(/^\d{2,3}$/, "Code région INSEE attendu, ex. 76"),
    departmentCode: optionalCode(/^(\d{2,3}|2A|2B)$/i, "Code département attendu, ex. 31 ou 2A"),
    postcode: optionalCode(/^\d{5}$/, "Code postal à 5 chiffres"),
    city: optionalCode(/^.{1,100}$/, "100 caractères au plus"),
    profession: optionalCode(/^\d{1,10}$/, "Code profession attendu, ex. 10 (médecin)"),
    practiceStatus: PracticeStatus,
  })
  .refine(
    (rule) =>
      [rule.emailDomain, rule.regionCode, rule.departmentCode, rule.postcode, rule.city, rule.profession].some(
        (value) => value !== null,
      ) || rule.practiceStatus !== "ANY",
    { path: ["emailDomain"], message: "Renseignez au moins un critère" },
  );
export type EnrolmentRuleInput = z.input<typeof EnrolmentRuleInput>;

export const EnrolmentRule = z.object({
  id: Uuid,
  emailDomain: z.string().nullable(),
  regionCode: z.string().nullable(),
  departmentCode: z.string().nullable(),
  postcode: z.string().nullable(),
  city: z.string().nullable(),
  profession: z.string().nullable(),
  practiceStatus: PracticeStatus,
});
export type EnrolmentRule = z.infer<typeof EnrolmentRule>;
export const EnrolmentRulesResponse = listOf(EnrolmentRule);
export const EnrolmentRuleParams = z.object({ id: Uuid, ruleId: Uuid });

export const QuotaUsage = z.object({ PER: z.number().int(), ORG: z.number().int(), APP: z.number().int() });

export const StructureSettings = z.object({
  id: Uuid,
  identity: z.object({
    name: z.string(),
    kind: z.string().nullable(),
    identifierType: StructureIdentifierType.nullable(),
    identifier: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  mssante: z.object({
    mssDomain: z.string().nullable(),
    quotaPer: z.number().int(),
    quotaOrg: z.number().int(),
    quotaApp: z.number().int(),
    mssAdminOnly: z.boolean(),
    /** MSSanté addresses in use, per type */
    usage: QuotaUsage,
  }),
  location: z.object({
    addressLine: z.string().nullable(),
    postcode: z.string().nullable(),
    city: z.string().nullable(),
    cityInseeCode: z.string().nullable(),
    departmentCode: z.string().nullable(),
    departmentName: z.string().nullable(),
    regionCode: z.string().nullable(),
    regionName: z.string().nullable(),
  }),
  notifications: z.object({
    notifyOnReception: z.boolean(),
    notifyDailyDigest: z.boolean(),
    notifyConnectionAccount: z.boolean(),
    notifyOnOpening: z.boolean(),
    adminNotificationEmails: z.array(z.string()),
  }),
  /** null: the structure never had Office 365, the block is not shown */
  office365Quota: z.number().int().nullable(),
  /** what the caller may change here */
  permissions: z.object({ administer: z.boolean(), platformSettings: z.boolean() }),
});
export type StructureSettings = z.infer<typeof StructureSettings>;

export const StructureAdmin = z.object({
  accountId: Uuid,
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  /** the structure of the account (may be a daughter) */
  structureName: z.string(),
  since: z.iso.datetime(),
});
export type StructureAdmin = z.infer<typeof StructureAdmin>;

export const StructureAdminsResponse = z.object({
  items: z.array(StructureAdmin),
  /** fewer than two administrators: nobody to take over during an absence */
  warnings: z.array(z.string()),
});
export type StructureAdminsResponse = z.infer<typeof StructureAdminsResponse>;

export const AdminCandidatesQuery = z.object({
  q: SearchText(100).min(2, "Saisissez au moins 2 caractères"),
  page: z.coerce.number().int().min(1).default(1),
});

export const AdminCandidate = z.object({
  accountId: Uuid,
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  structureName: z.string(),
  isAdmin: z.boolean(),
});
export const AdminCandidatesResponse = z.object({
  items: z.array(AdminCandidate),
  page: z.number().int(),
  hasMore: z.boolean(),
});
export type AdminCandidatesResponse = z.infer<typeof AdminCandidatesResponse>;

export const AddAdminRequest = z.object({ accountId: Uuid });
export const StructureAdminParams = z.object({ id: Uuid, accountId: Uuid });

/** Operators: a new structure under a parent (a root when parentId is null). */
export const CreateStructureRequest = z.object({
  name: z.string().trim().min(1, "Saisissez le nom de la structure").max(200, "200 caractères au plus"),
  parentId: Uuid.nullable(),
});
export type CreateStructureRequest = z.infer<typeof CreateStructureRequest>;
export const CreatedStructure = z.object({ id: Uuid });

/** Operators: attach a structure to another mother (never under itself or one of its daughters). */
export const MoveStructureRequest = z.object({ parentId: Uuid.nullable() });
export type MoveStructureRequest = z.infer<typeof MoveStructureRequest>;
