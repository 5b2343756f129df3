import fhirpath from "fhirpath";
import r4 from "fhirpath/fhir-context/r4";

// FHIRPath Patch (FHIR R4, http.html#patch with a `Parameters` body) as the directory's PATCH endpoint applies it:
// the `insert`, `replace` and `delete` operations the ANS guide uses, applied in order to a copy of the resource;
// any error leaves the resource as it was. Paths are evaluated with HL7's `fhirpath` package on the R4 model.
//   delete:  the path selects at most one element; none is not an error (so a delete can be resent);
//   replace: exactly one element, replaced by the value;
//   insert:  the path names a list (e.g. `Practitioner.telecom`); the value goes in at `index` (0 … length).

type Json = Record<string, unknown>;

export class FhirPatchError extends Error {
  /** `invalid` (a malformed document: 400) or `processing` (it cannot apply to this resource: 422) */
  readonly code: "invalid" | "processing" | "not-supported";
  constructor(code: FhirPatchError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

export interface PatchOperation {
  type: string;
  path: string;
  index?: number;
  value?: unknown;
  /** the `value[x]` key the value came in (`valueContactPoint`, `valueBoolean`…) */
  valueKey?: string;
}

/** The operations of a `Parameters` body, or a FhirPatchError(invalid). */
export function parsePatch(body: unknown): PatchOperation[] {
  const parameters = body as { resourceType?: unknown; parameter?: unknown };
  if (parameters?.resourceType !== "Parameters" || !Array.isArray(parameters.parameter))
    throw new FhirPatchError("invalid", "Le corps d'un PATCH FHIRPath est une ressource Parameters");
  return parameters.parameter.map((parameter: { name?: unknown; part?: unknown }, position: number) => {
    if (parameter?.name !== "operation" || !Array.isArray(parameter.part))
      throw new FhirPatchError("invalid", `Paramètre ${position + 1} : « operation » attendu, avec ses parties`);
    const parts = parameter.part as Json[];
    const get = (name: string) => parts.find((part) => part.name === name);
    const type = get("type")?.valueCode;
    const path = get("path")?.valueString;
    if (typeof type !== "string" || typeof path !== "string")
      throw new FhirPatchError("invalid", `Opération ${position + 1} : « type » et « path » sont requis`);
    const index = get("index")?.valueInteger;
    const valuePart = get("value");
    const valueKey = valuePart ? Object.keys(valuePart).find((key) => key.startsWith("value")) : undefined;
    return {
      type,
      path,
      ...(typeof index === "number" ? { index } : {}),
      ...(valueKey ? { valueKey, value: (valuePart as Json)[valueKey] } : {}),
    };
  });
}

function evaluate(resource: Json, path: string): unknown[] {
  try {
    return fhirpath.evaluate(resource, path, undefined, r4) as unknown[];
  } catch (error) {
    throw new FhirPatchError("invalid", `Chemin FHIRPath invalide « ${path} » : ${(error as Error).message}`);
  }
}

/** `A.b.c` → [`A.b`, `c`]: the parent of a path ending with a plain element name. */
function splitLast(path: string): [string, string] {
  const match = /^(.+)\.([A-Za-z][A-Za-z0-9_]*)$/.exec(path);
  if (!match) throw new FhirPatchError("invalid", `Le chemin « ${path} » ne désigne pas un élément`);
  return [match[1] as string, match[2] as string];
}

/** Where an object sits in the resource: its container (object or array) and key. */
function locate(root: unknown, target: object): { container: Json | unknown[]; key: string | number } | null {
  if (!root || typeof root !== "object") return null;
  const entries: [string | number, unknown][] = Array.isArray(root)
    ? root.map((value, index) => [index, value])
    : Object.entries(root);
  for (const [key, value] of entries) {
    if (value === target) return { container: root as Json | unknown[], key };
    const found = locate(value, target);
    if (found) return found;
  }
  return null;
}

/** The one object the path's parent selects, and the property of it the last segment names (`value` → valueX). */
function parentAndKey(resource: Json, path: string): { parent: Json; key: string; name: string } {
  const [parentPath, name] = splitLast(path);
  const parents = evaluate(resource, parentPath).filter((item) => item && typeof item === "object");
  if (parents.length !== 1)
    throw new FhirPatchError(
      "processing",
      `Le chemin « ${parentPath} » désigne ${parents.length} éléments au lieu d'un`,
    );
  const parent = parents[0] as Json;
  const key =
    name in parent
      ? name
      : (Object.keys(parent).find(
          (candidate) => candidate.startsWith(name) && /^[A-Z]/.test(candidate.slice(name.length)),
        ) ?? name);
  return { parent, key, name };
}

export interface PatchHooks {
  /** called before a replace of an object: throw to refuse it (e.g. a mailbox's address changed) */
  beforeReplace?(current: unknown, next: unknown): void;
}

/** The resource after the operations, a new object; the input is left untouched. */
export function applyFhirPatch(resource: Json, operations: PatchOperation[], hooks: PatchHooks = {}): Json {
  const result = structuredClone(resource);
  for (const operation of operations) {
    const { type, path } = operation;
    if (type === "delete") {
      const targets = evaluate(result, path);
      if (targets.length === 0) continue;
      if (targets.length > 1)
        throw new FhirPatchError("processing", `delete : « ${path} » désigne ${targets.length} éléments`);
      const target = targets[0];
      if (target && typeof target === "object") {
        const place = locate(result, target);
        if (!place) throw new FhirPatchError("processing", `delete : élément introuvable « ${path} »`);
        if (Array.isArray(place.container)) place.container.splice(place.key as number, 1);
        else delete place.container[place.key as string];
      } else {
        const { parent, key } = parentAndKey(result, path);
        delete parent[key];
      }
      pruneEmpty(result);
      continue;
    }
    if (type === "replace") {
      if (operation.valueKey === undefined)
        throw new FhirPatchError("invalid", `replace : valeur manquante (« ${path} »)`);
      const targets = evaluate(result, path);
      if (targets.length !== 1)
        throw new FhirPatchError("processing", `replace : « ${path} » désigne ${targets.length} éléments au lieu d'un`);
      const target = targets[0];
      if (target && typeof target === "object") {
        hooks.beforeReplace?.(target, operation.value);
        const place = locate(result, target);
        if (!place) throw new FhirPatchError("processing", `replace : élément introuvable « ${path} »`);
        (place.container as Json)[place.key as string] = structuredClone(operation.value);
      } else {
        const { parent, key, name } = parentAndKey(result, path);
        delete parent[key];
        // `value` of an extension takes the type of the new value (valueBoolean…); other names stay as they are
        const newKey = name === "value" ? (operation.valueKey as string) : key;
        parent[newKey] = operation.value;
      }
      continue;
    }
    if (type === "insert") {
      if (operation.valueKey === undefined)
        throw new FhirPatchError("invalid", `insert : valeur manquante (« ${path} »)`);
      if (operation.index === undefined) throw new FhirPatchError("invalid", `insert : index manquant (« ${path} »)`);
      const { parent, key } = parentAndKey(result, path);
      const list = parent[key] === undefined ? [] : parent[key];
      if (!Array.isArray(list)) throw new FhirPatchError("processing", `insert : « ${path} » n'est pas une liste`);
      if (operation.index < 0 || operation.index > list.length)
        throw new FhirPatchError(
          "processing",
          `insert : index ${operation.index} hors de la liste (${list.length} éléments)`,
        );
      list.splice(operation.index, 0, structuredClone(operation.value));
      parent[key] = list;
      continue;
    }
    throw new FhirPatchError("not-supported", `Opération « ${type} » non prise en charge (insert, replace, delete)`);
  }
  return result;
}

/** FHIR has no empty arrays: a list emptied by a delete goes. */
function pruneEmpty(value: unknown) {
  if (!value || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    if (Array.isArray(child)) {
      for (const item of child) pruneEmpty(item);
      if (child.length === 0) delete (value as Json)[key];
    } else pruneEmpty(child);
  }
}
