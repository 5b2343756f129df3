// "Enrôlement automatique": a self-registration lands in the structure whose rule it matches. A rule matches
// when every criterion it sets matches; when several do, the most specific one wins (most criteria set), then
// the oldest, so the outcome never depends on the order rules are read in.

export type PracticeStatus = "ANY" | "LIBERAL" | "NON_LIBERAL";

export interface EnrolmentCriteria {
  id: string;
  structureId: string;
  emailDomain: string | null;
  regionCode: string | null;
  departmentCode: string | null;
  postcode: string | null;
  city: string | null;
  profession: string | null;
  practiceStatus: PracticeStatus;
  createdAt: Date;
}

export interface Registration {
  email: string;
  regionCode: string;
  postcode: string | null;
  city: string | null;
  profession: string;
  liberal: boolean;
}

const fold = (value: string) =>
  value
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[\s'-]+/g, " ")
    .trim();

function criteriaSet(rule: EnrolmentCriteria): number {
  return (
    [rule.emailDomain, rule.regionCode, rule.departmentCode, rule.postcode, rule.city, rule.profession].filter(
      (value) => value !== null,
    ).length + (rule.practiceStatus === "ANY" ? 0 : 1)
  );
}

export function ruleMatches(rule: EnrolmentCriteria, registration: Registration): boolean {
  // a rule without any criterion would take in every registration of the country: it matches nothing
  if (criteriaSet(rule) === 0) return false;
  const domain = registration.email.slice(registration.email.lastIndexOf("@") + 1).toLowerCase();
  if (rule.emailDomain !== null && rule.emailDomain.toLowerCase() !== domain) return false;
  if (rule.regionCode !== null && rule.regionCode !== registration.regionCode) return false;
  if (rule.departmentCode !== null && !inDepartment(rule.departmentCode, registration.postcode)) return false;
  if (rule.postcode !== null && rule.postcode !== registration.postcode) return false;
  if (rule.city !== null && (registration.city === null || fold(rule.city) !== fold(registration.city))) return false;
  if (rule.profession !== null && rule.profession !== registration.profession) return false;
  if (rule.practiceStatus === "LIBERAL" && !registration.liberal) return false;
  if (rule.practiceStatus === "NON_LIBERAL" && registration.liberal) return false;
  return true;
}

/**
 * Postcodes start with the département number (overseas: its three digits, 971…). Corsica's two départements
 * share the prefix 20: Corse-du-Sud (2A) has 200xx–201xx, Haute-Corse (2B) 202xx–206xx, so a rule for one never
 * takes in the other's registrations.
 */
export function inDepartment(departmentCode: string, postcode: string | null): boolean {
  if (postcode === null) return false;
  const code = departmentCode.trim().toUpperCase();
  if (code === "2A") return /^20[01]/.test(postcode);
  if (code === "2B") return /^20[2-6]/.test(postcode);
  return code !== "" && postcode.startsWith(code);
}

/** The structure a registration enrols into, or null when no rule matches. */
export function chooseEnrolment(rules: readonly EnrolmentCriteria[], registration: Registration): string | null {
  const matching = rules.filter((rule) => ruleMatches(rule, registration));
  matching.sort(
    (a, b) =>
      criteriaSet(b) - criteriaSet(a) || a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
  );
  return matching[0]?.structureId ?? null;
}
