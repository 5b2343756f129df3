// The feed report ("rapport d'alimentation"): the rules the national directory applies to each MSSanté address
// Medimail publishes (annex of the guide, MSS007 … MSS047). Pure: the caller gives the account, the identifier
// transmitted for its structure, and what the national referential says; the rules say what the directory would
// reject (Bloquante: the entry is held back) or warn about.
import type { AccountType } from "./account-states.ts";
import { foldForSearch } from "./text.ts";

export type FeedSeverity = "BLOCKING" | "WARNING";

export interface FeedRule {
  code: string;
  severity: FeedSeverity;
  /** the message the directory gives */
  message: string;
  /** what to do in Medimail */
  fix: string;
}

export const FEED_RULES = {
  MSS007: {
    code: "MSS007",
    severity: "BLOCKING",
    message: "L'identifiant personne physique est obligatoire pour les adresses BAL MSSanté de type PER (Personnelle)",
    fix: "Renseigner l'identifiant RPPS/ADELI du professionnel sur Medimail.",
  },
  MSS008: {
    code: "MSS008",
    severity: "BLOCKING",
    message:
      "L'identifiant national du professionnel de santé transmis n'existe pas dans le référentiel des identités PP/PM",
    fix: "L'identifiant RPPS/ADELI renseigné sur Medimail n'est pas connu de l'ANS. Corriger la donnée sur Medimail.",
  },
  MSS012: {
    code: "MSS012",
    severity: "BLOCKING",
    message:
      "L'identifiant de la structure d'activité est obligatoire pour les adresses de BAL MSSanté d'un professionnel de santé avec identifiant interne",
    fix: "Renseigner l'identifiant de l'établissement (FINESS géographique) sur Medimail.",
  },
  MSS013: {
    code: "MSS013",
    severity: "BLOCKING",
    message:
      "L'identifiant de la structure d'activité est obligatoire pour les BAL MSSanté de type Organisationnelle ou Applicative",
    fix: "Renseigner l'identifiant de l'établissement (FINESS géographique) sur Medimail.",
  },
  MSS015: {
    code: "MSS015",
    severity: "BLOCKING",
    message: "L'identifiant de la structure d'activité transmise n'existe pas dans le référentiel des identités PP/PM",
    fix: "L'identifiant d'établissement renseigné sur Medimail n'est pas connu de l'ANS. Corriger la donnée sur Medimail.",
  },
  MSS018: {
    code: "MSS018",
    severity: "BLOCKING",
    message: "Le nom d'exercice est obligatoire pour tout professionnel de santé avec ou sans identifiant national",
    fix: "Renseigner le nom du professionnel sur Medimail.",
  },
  MSS019: {
    code: "MSS019",
    severity: "BLOCKING",
    message: "Le prénom d'exercice est obligatoire pour tout professionnel de santé avec ou sans identifiant national",
    fix: "Renseigner le prénom du professionnel sur Medimail.",
  },
  MSS020: {
    code: "MSS020",
    severity: "WARNING",
    message:
      "Le nom et/ou le prénom d'exercice du professionnel de santé ne correspondent pas au nom et/ou prénom d'exercice rattachés à l'identifiant national dans l'Annuaire national",
    fix: "Mettre à jour le nom et/ou le prénom du compte Medimail selon le référentiel de l'ANS (l'annuaire MSSanté affiche de toute façon les données de l'ANS). Si le professionnel refuse, informer le support Medimail pour que ce retour soit ignoré.",
  },
  MSS028: {
    code: "MSS028",
    severity: "BLOCKING",
    message: "Le responsable est obligatoire pour une BAL de type Applicative ou Organisationnelle",
    fix: "Renseigner le nom et le prénom du professionnel responsable sur Medimail.",
  },
  MSS029: {
    code: "MSS029",
    severity: "BLOCKING",
    message: "La description est obligatoire pour une BAL de type Applicative ou Organisationnelle",
    fix: "Renseigner la description sur Medimail.",
  },
  MSS032: {
    code: "MSS032",
    severity: "BLOCKING",
    message: "L'identification par un SIRET ou SIREN n'est acceptée que si la structure n'a pas de numéro FINESS",
    fix: "Mettre à jour l'identifiant de l'établissement sur Medimail (fiche du compte) avec son FINESS.",
  },
  MSS033: {
    code: "MSS033",
    severity: "WARNING",
    message:
      "L'identifiant de structure fourni ne correspond pas à une structure d'exercice connue de la personne : la BAL est rattachée à la PP et à la structure indiquée dans le flux d'alimentation (et uniquement à cette structure)",
    fix: "Corriger l'identifiant de l'établissement sur Medimail, ou déclarer auprès de l'ordre l'identifiant de la structure d'exercice.",
  },
  MSS043: {
    code: "MSS043",
    severity: "WARNING",
    message:
      "L'identifiant national du professionnel de santé transmis n'est plus l'identifiant national valide dans le référentiel des identités PP/PM.",
    fix: "L'identifiant RPPS/ADELI renseigné sur Medimail n'est plus valide. Corriger la donnée sur Medimail.",
  },
  MSS046: {
    code: "MSS046",
    severity: "WARNING",
    message: "L'identifiant de la structure d'activité transmise n'existe pas dans le référentiel des identités PP/PM",
    fix: "Mettre à jour l'identifiant de l'établissement sur Medimail (fiche du compte) ; si l'établissement a plusieurs identifiants, privilégier le FINESS.",
  },
  MSS047: {
    code: "MSS047",
    severity: "BLOCKING",
    message: "Le numéro RPPS indiqué est attribué à un étudiant.",
    fix: "Le compte ne doit pas être de type PER mais INT : changer le type de BAL sur Medimail.",
  },
} as const satisfies Record<string, FeedRule>;
export type FeedCode = keyof typeof FEED_RULES;

/** The structure identifier the feed transmits for an account: its FINESS géographique, else its structure's. */
export interface TransmittedStructure {
  type: "FINESS" | "SIREN" | "SIRET";
  value: string;
}

export interface FeedSubject {
  type: AccountType;
  lastName: string;
  firstName: string;
  rpps: string | null;
  adeli: string | null;
  responsibleLastName: string | null;
  responsibleFirstName: string | null;
  description: string | null;
  structure: TransmittedStructure | null;
}

/** What the national referential says about the subject (null fields: not looked up or not found). */
export interface ReferentialFacts {
  /** false while no extraction was imported: the rules that need it are not evaluated */
  loaded: boolean;
  /** the professional of the RPPS/ADELI, null when unknown */
  professional: { lastName: string; firstName: string; isCurrent: boolean; isStudent: boolean } | null;
  /** the transmitted structure identifier is known (FINESS, SIRET or SIREN) */
  structureKnown: boolean;
  /** a SIRET/SIREN transmitted for a structure that has a FINESS */
  structureHasFiness: boolean;
  /** the professional practises at the transmitted structure */
  practisesAtStructure: boolean;
}

const blank = (value: string | null | undefined) => (value ?? "").trim() === "";
const sameName = (a: string, b: string) =>
  foldForSearch(a).replace(/[\s'-]+/g, " ") === foldForSearch(b).replace(/[\s'-]+/g, " ");

/** Every rule the subject breaks, blocking ones first, in code order. Only MED never reaches the directory. */
export function feedIssues(subject: FeedSubject, facts: ReferentialFacts): FeedCode[] {
  const codes: FeedCode[] = [];
  if (subject.type === "MED") return codes;
  const individual = subject.type === "PER" || subject.type === "INT";
  const shared = subject.type === "ORG" || subject.type === "APP";
  const hasNationalId = !blank(subject.rpps) || !blank(subject.adeli);

  if (subject.type === "PER" && !hasNationalId) codes.push("MSS007");
  if (subject.type === "INT" && !subject.structure) codes.push("MSS012");
  if (shared && !subject.structure) codes.push("MSS013");
  if (individual && blank(subject.lastName)) codes.push("MSS018");
  if (individual && blank(subject.firstName)) codes.push("MSS019");
  if (shared && (blank(subject.responsibleLastName) || blank(subject.responsibleFirstName))) codes.push("MSS028");
  if (shared && blank(subject.description)) codes.push("MSS029");

  if (facts.loaded) {
    if (subject.type === "PER" && hasNationalId) {
      const professional = facts.professional;
      if (!professional) codes.push("MSS008");
      else {
        if (!professional.isCurrent) codes.push("MSS043");
        if (professional.isStudent && !blank(subject.rpps)) codes.push("MSS047");
        if (
          !sameName(professional.lastName, subject.lastName) ||
          !sameName(professional.firstName, subject.firstName)
        ) {
          codes.push("MSS020");
        }
        if (subject.structure && facts.structureKnown && !facts.practisesAtStructure) codes.push("MSS033");
      }
    }
    if (subject.structure) {
      if (subject.structure.type === "FINESS" && !facts.structureKnown) codes.push("MSS015");
      if (subject.structure.type !== "FINESS" && !facts.structureKnown) codes.push("MSS046");
      if (subject.structure.type !== "FINESS" && facts.structureHasFiness) codes.push("MSS032");
    }
  }
  return codes.sort(
    (a, b) =>
      (FEED_RULES[a].severity === FEED_RULES[b].severity ? 0 : FEED_RULES[a].severity === "BLOCKING" ? -1 : 1) ||
      a.localeCompare(b),
  );
}

/** An entry with a blocking issue is held back from the nightly publication. */
export function isBlocked(codes: readonly FeedCode[]): boolean {
  return codes.some((code) => FEED_RULES[code].severity === "BLOCKING");
}
