import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ANS, type Carrier } from "../ans-fhir.ts";
import { validateDirectoryResource } from "./ans-validator.ts";
import { applyFhirPatch, FhirPatchError, parsePatch } from "./fhir-patch.ts";

// A local stand-in of the national directory's MSSanté FHIR API, for development and tests (as the PSC simulation
// is for sign-in). It holds Practitioner, PractitionerRole and Organization resources in memory and implements:
// - `GET [base]/<type>?identifier=<system>|<value>` and `?mailbox-mss[:exact|:contains]=<address>` (searchset);
//   `GET [base]/<type>/<id>`;
// - `PATCH [base]/<type>/<id>` and the conditional `PATCH [base]/<type>?identifier=<system>|<value>` with a FHIRPath
//   Patch `Parameters` body (insert / replace / delete): 404 when no resource matches, 412 when several do, 400 for
//   a malformed document, 422 when it cannot apply, changes a mailbox's address or type, or leaves a resource that
//   does not validate against the guide's profiles — in every refusal an OperationOutcome, and nothing changed;
// - the `ESANTE-API-KEY` header, when a key is configured (401 otherwise);
// - injected faults for tests (`fault`: answer 503, 429… to chosen requests).
// It does not implement: paging, `_elements`, `mailbox-mss-type`, `_type` across resources, versioned updates
// (If-Match), other interactions (create, update, delete), nor the API gateway's own rate limits.

type Json = Record<string, unknown>;
const RESOURCE_TYPES = new Set(["Practitioner", "PractitionerRole", "Organization"]);
const FHIR_JSON = "application/fhir+json";

export interface StandinRequest {
  method: string;
  resourceType: string;
  /** the search (or id) of the request, decoded: `identifier=…|…` */
  target: string;
}

export interface StandinOptions {
  /** required value of the ESANTE-API-KEY header; null: none asked */
  apiKey?: string | null;
  port?: number;
  host?: string;
  /** answer this status (503, 429…) instead of handling the request; undefined: handle it */
  fault?: (request: StandinRequest) => { status: number; retryAfterSeconds?: number } | undefined;
  /** log a line per request (development) */
  log?: (line: string) => void;
}

export interface DirectoryStandin {
  /** the API base, e.g. http://127.0.0.1:41234/fhir */
  readonly url: string;
  /** adds resources (an id is given to those without) */
  seed(resources: Json[]): void;
  /** a copy of every resource held, of one type or all */
  resources(resourceType?: string): Json[];
  /** the resources a conditional PATCH on this identifier targets */
  byIdentifier(resourceType: string, system: string, value: string): Json[];
  /** every address held as an MSSanté mailbox, with its carrier and metadata */
  mailboxes(): { address: string; resourceType: string; id: string; telecom: Json }[];
  /** PATCH requests handled (faults included), for tests */
  readonly patches: number;
  close(): Promise<void>;
}

/** A minimal carrying resource conforming to the guide's profile, for seeding. */
export function carrierResource(
  carrier: Carrier,
  name: { family?: string; given?: string; organization?: string } = {},
) {
  if (carrier.resourceType === "Practitioner") {
    return {
      resourceType: "Practitioner",
      id: `pract-${carrier.value}`,
      identifier: [
        {
          use: "official",
          type: { coding: [{ system: "http://interopsante.org/fhir/CodeSystem/fr-v2-0203", code: "IDNPS" }] },
          system: carrier.system,
          value: carrier.value,
        },
      ],
      active: true,
      ...(name.family
        ? { name: [{ use: "official", family: name.family, given: name.given ? [name.given] : [] }] }
        : {}),
    };
  }
  return {
    resourceType: "Organization",
    id: `org-${carrier.value}`,
    identifier: [
      {
        use: "official",
        type: { coding: [{ system: "http://interopsante.org/fhir/CodeSystem/fr-v2-0203", code: "IDNST" }] },
        system: carrier.system,
        value: carrier.value,
      },
      // FINESS structures also answer by their FINESS, as in the guide's example
      ...(carrier.value.startsWith("1")
        ? [{ system: "https://finess.esante.gouv.fr", value: carrier.value.slice(1) }]
        : []),
    ],
    active: true,
    ...(name.organization ? { name: name.organization } : {}),
  };
}

const outcome = (code: string, text: string, issues?: unknown[]) => ({
  resourceType: "OperationOutcome",
  issue: issues && issues.length > 0 ? issues : [{ severity: "error", code, details: { text } }],
});

const isMailbox = (telecom: Json) =>
  Array.isArray(telecom.extension) &&
  (telecom.extension as Json[]).some(
    (extension) =>
      extension.url === ANS.emailTypeExtension && (extension.valueCoding as Json | undefined)?.code === "MSSANTE",
  );
const mailboxTypeOf = (telecom: Json) => {
  const metadata = ((telecom.extension ?? []) as Json[]).find((extension) => extension.url === ANS.mailboxMetadata);
  const type = ((metadata?.extension ?? []) as Json[]).find((sub) => sub.url === "type");
  return JSON.stringify(type?.valueCodeableConcept ?? null);
};
const telecomsOf = (resource: Json) => (Array.isArray(resource.telecom) ? (resource.telecom as Json[]) : []);

export async function startDirectoryStandin(options: StandinOptions = {}): Promise<DirectoryStandin> {
  const store = new Map<string, Json>(); // `${type}/${id}` → resource
  let patches = 0;

  const all = (resourceType?: string) =>
    [...store.values()].filter((resource) => !resourceType || resource.resourceType === resourceType);
  const byIdentifier = (resourceType: string, system: string, value: string) =>
    all(resourceType).filter((resource) =>
      ((resource.identifier ?? []) as Json[]).some(
        (identifier) => (system === "" || identifier.system === system) && identifier.value === value,
      ),
    );

  function search(resourceType: string, query: URLSearchParams): Json[] {
    let found = all(resourceType);
    for (const [name, raw] of query) {
      if (name === "identifier") {
        const [system, value] = raw.includes("|")
          ? [raw.slice(0, raw.lastIndexOf("|")), raw.slice(raw.lastIndexOf("|") + 1)]
          : ["", raw];
        const matching = new Set(byIdentifier(resourceType, system, value));
        found = found.filter((resource) => matching.has(resource));
      } else if (name === "mailbox-mss" || name === "mailbox-mss:exact" || name === "mailbox-mss:contains") {
        const wanted = raw.toLowerCase();
        found = found.filter((resource) =>
          telecomsOf(resource).some((telecom) => {
            const value = String(telecom.value ?? "").toLowerCase();
            if (name === "mailbox-mss:exact") return String(telecom.value ?? "") === raw;
            if (name === "mailbox-mss:contains") return value.includes(wanted);
            return value.startsWith(wanted); // string search: starts with, case-insensitive
          }),
        );
      } else if (!name.startsWith("_")) {
        throw new HttpError(400, "not-supported", `Paramètre de recherche non pris en charge : ${name}`);
      }
    }
    return found;
  }

  function patch(resourceType: string, targets: Json[], body: unknown): Json {
    if (targets.length === 0) throw new HttpError(404, "not-found", "Aucune ressource ne correspond au critère");
    if (targets.length > 1)
      throw new HttpError(
        412,
        "multiple-matches",
        `${targets.length} ressources correspondent au critère : PATCH conditionnel impossible`,
      );
    const current = targets[0] as Json;
    let operations: ReturnType<typeof parsePatch>;
    let next: Json;
    try {
      operations = parsePatch(body);
      next = applyFhirPatch(current, operations, {
        beforeReplace(old, value) {
          const before = old as Json;
          const after = (value ?? {}) as Json;
          if (isMailbox(before) && (after.value !== before.value || mailboxTypeOf(after) !== mailboxTypeOf(before)))
            throw new FhirPatchError(
              "processing",
              "L'adresse et le type d'une BAL ne sont pas modifiables (supprimer puis ajouter)",
            );
        },
      });
    } catch (error) {
      if (error instanceof FhirPatchError)
        throw new HttpError(error.code === "invalid" ? 400 : 422, error.code, error.message);
      throw error;
    }
    // a mailbox appears once on its carrier; its type stays what it was
    const seen = new Set<string>();
    const typesBefore = new Map(
      telecomsOf(current)
        .filter(isMailbox)
        .map((t) => [String(t.value), mailboxTypeOf(t)]),
    );
    for (const telecom of telecomsOf(next).filter(isMailbox)) {
      const address = String(telecom.value);
      if (seen.has(address))
        throw new HttpError(422, "duplicate", `La BAL ${address} figurerait deux fois sur la ressource`);
      seen.add(address);
      const before = typesBefore.get(address);
      if (before !== undefined && before !== mailboxTypeOf(telecom))
        throw new HttpError(422, "business-rule", `Le type de la BAL ${address} n'est pas modifiable`);
    }
    if (next.resourceType !== resourceType || next.id !== current.id)
      throw new HttpError(422, "business-rule", "Le type et l'id de la ressource ne sont pas modifiables");
    const issues = validateDirectoryResource(next);
    if (issues.length > 0)
      throw new HttpError(422, "invalid", "La ressource obtenue n'est pas conforme au guide", issues);
    const meta = (current.meta ?? {}) as Json;
    next.meta = {
      ...meta,
      versionId: String(Number(meta.versionId ?? 0) + 1),
      lastUpdated: new Date().toISOString(),
    };
    store.set(`${resourceType}/${current.id}`, next);
    return next;
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? "/", "http://standin");
    const segments = url.pathname
      .replace(/^\/fhir\/?/, "")
      .split("/")
      .filter(Boolean);
    const [resourceType = "", id] = segments;
    const method = request.method ?? "GET";
    if (method === "PATCH") patches++;
    const target = id ?? decodeURIComponent(url.search.slice(1));
    options.log?.(`${method} ${resourceType}${id ? `/${id}` : url.search ? `?${target}` : ""}`);

    if (options.apiKey && request.headers["esante-api-key"] !== options.apiKey)
      throw new HttpError(401, "login", "Clé d'API absente ou invalide (en-tête ESANTE-API-KEY)");
    const fault = options.fault?.({ method, resourceType, target });
    if (fault) {
      if (fault.retryAfterSeconds !== undefined) response.setHeader("retry-after", String(fault.retryAfterSeconds));
      throw new HttpError(
        fault.status,
        fault.status === 429 ? "throttled" : "transient",
        "Service momentanément indisponible",
      );
    }
    if (!RESOURCE_TYPES.has(resourceType) || segments.length > 2)
      throw new HttpError(404, "not-found", `Ressource inconnue : ${url.pathname}`);

    if (method === "GET") {
      if (id) {
        const resource = store.get(`${resourceType}/${id}`);
        if (!resource) throw new HttpError(404, "not-found", `${resourceType}/${id} introuvable`);
        return send(response, 200, resource);
      }
      const found = search(resourceType, url.searchParams);
      return send(response, 200, {
        resourceType: "Bundle",
        type: "searchset",
        total: found.length,
        entry: found.map((resource) => ({
          fullUrl: `${resourceType}/${resource.id}`,
          resource,
          search: { mode: "match" },
        })),
      });
    }
    if (method === "PATCH") {
      const type = String(request.headers["content-type"] ?? "")
        .split(";")[0]
        ?.trim();
      if (type !== FHIR_JSON && type !== "application/json-patch+json")
        throw new HttpError(415, "not-supported", `Type de contenu attendu : ${FHIR_JSON}`);
      if (type !== FHIR_JSON) throw new HttpError(415, "not-supported", "Seul le FHIRPath Patch est pris en charge");
      const text = await readBody(request);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpError(400, "invalid", "Corps JSON illisible");
      }
      let targets: Json[];
      if (id) {
        const resource = store.get(`${resourceType}/${id}`);
        targets = resource ? [resource] : [];
      } else {
        if (![...url.searchParams.keys()].every((name) => name === "identifier") || !url.searchParams.has("identifier"))
          throw new HttpError(400, "not-supported", "Le PATCH conditionnel se fait par « identifier »");
        targets = search(resourceType, url.searchParams);
      }
      return send(response, 200, patch(resourceType, targets, body));
    }
    throw new HttpError(405, "not-supported", `Méthode non prise en charge : ${method}`);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpError)
        return send(response, error.status, outcome(error.code, error.message, error.issues));
      // a development tool: the cause is told
      send(
        response,
        500,
        outcome("exception", `Erreur interne du bouchon de l'annuaire : ${(error as Error).message}`),
      );
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/fhir`,
    seed(resources) {
      for (const resource of resources) {
        const copy = structuredClone(resource);
        copy.id ??= randomUUID();
        store.set(`${copy.resourceType}/${copy.id}`, copy);
      }
    },
    resources: (resourceType) => all(resourceType).map((resource) => structuredClone(resource)),
    byIdentifier: (resourceType, system, value) =>
      byIdentifier(resourceType, system, value).map((r) => structuredClone(r)),
    mailboxes: () =>
      all().flatMap((resource) =>
        telecomsOf(resource)
          .filter(isMailbox)
          .map((telecom) => ({
            address: String(telecom.value),
            resourceType: String(resource.resourceType),
            id: String(resource.id),
            telecom: structuredClone(telecom),
          })),
      ),
    get patches() {
      return patches;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues?: unknown[];
  constructor(status: number, code: string, message: string, issues?: unknown[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

function send(response: ServerResponse, status: number, body: unknown) {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": `${FHIR_JSON}; charset=utf-8`,
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

const MAX_BODY = 1_000_000;
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, "too-long", "Corps trop volumineux");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
