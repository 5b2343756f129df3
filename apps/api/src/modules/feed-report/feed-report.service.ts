// The feed report: every MSSanté address of the structure (or of the structure and its daughters) checked against
// the rules of the guide's annex (packages/domain/feed-rules). Accounts are read in keyset batches; each batch gets
// its referential facts in three set-based queries, then the pure rules run in memory. Only the issues are kept.
import type {
  FeedCode,
  FeedReport,
  FeedReportCounts,
  FeedReportRow,
  FeedSeverity,
} from "@medimail/contracts/feed-report";
import type { DbTx } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import {
  FEED_RULES,
  type FeedSubject,
  feedIssues,
  isBlocked,
  type ReferentialFacts,
  type TransmittedStructure,
} from "@medimail/domain/feed-rules";
import type { Scope } from "../../lib/scope.ts";
import {
  createReferentialRepository,
  type ReferentialRepository,
  type RefPlaceRow,
  type RefProfessionalRow,
  type RefStructureRow,
} from "../referential/referential.repository.ts";
import {
  createFeedReportRepository,
  FEED_BATCH,
  type FeedAccountRow,
  type FeedReportRepository,
  type FeedStructure,
} from "./feed-report.repository.ts";

/** Rows of each severity the API answers; the counts and the exports cover them all. */
export const ROWS_SHOWN = 1000;

/** One issue of one address, as the report and its exports list it. */
export type FeedIssue = FeedReportRow & { sortName: string };

export interface FeedEvaluation {
  structure: FeedStructure;
  daughters: boolean;
  generatedAt: Date;
  referentialLoaded: boolean;
  addresses: number;
  blockedAddresses: number;
  counts: Record<FeedSeverity, number>;
  countsByCode: Map<FeedCode, number>;
  /** every issue, blocking first, then by code, then by name (empty when only counting) */
  issues: FeedIssue[];
}

const severityRank = (severity: FeedSeverity) => (severity === "BLOCKING" ? 0 : 1);

export function compareIssues(a: FeedIssue, b: FeedIssue): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0) ||
    (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0)
  );
}

/** The identifier the feed transmits for the account: its FINESS géographique, else its structure's identifier. */
export function transmittedStructure(account: FeedAccountRow, structure: FeedStructure | undefined) {
  if (account.finessSite) return { type: "FINESS", value: account.finessSite } satisfies TransmittedStructure;
  if (structure?.identifierType && structure.identifier) {
    return { type: structure.identifierType, value: structure.identifier } satisfies TransmittedStructure;
  }
  return null;
}

/** What the referential says about one account, from the batch's lookups. */
function factsFor(
  account: FeedAccountRow,
  transmitted: TransmittedStructure | null,
  loaded: boolean,
  lookups: {
    byRpps: Map<string, RefProfessionalRow>;
    byAdeli: Map<string, RefProfessionalRow>;
    structures: RefStructureRow[];
    places: Map<string, RefPlaceRow[]>;
  },
): ReferentialFacts {
  const facts: ReferentialFacts = {
    loaded,
    professional: null,
    structureKnown: false,
    structureHasFiness: false,
    practisesAtStructure: false,
  };
  if (!loaded) return facts;
  // the national id transmitted is the RPPS when there is one, else the ADELI
  const professional = account.rpps
    ? lookups.byRpps.get(account.rpps)
    : account.adeli
      ? lookups.byAdeli.get(account.adeli)
      : undefined;
  if (professional) {
    facts.professional = {
      lastName: professional.lastName,
      firstName: professional.firstName,
      isCurrent: professional.isCurrent,
      isStudent: professional.categoryCode === "E",
    };
  }
  if (transmitted) {
    const value = transmitted.value;
    const matches = lookups.structures.filter((structure) =>
      transmitted.type === "FINESS"
        ? structure.identifierType === "FINESS" && structure.identifier === value
        : transmitted.type === "SIRET"
          ? structure.identifier === value || structure.siret === value
          : structure.identifier === value || structure.siret?.slice(0, 9) === value,
    );
    facts.structureKnown = matches.length > 0;
    facts.structureHasFiness =
      transmitted.type !== "FINESS" && matches.some((structure) => structure.identifierType === "FINESS");
    if (professional) {
      facts.practisesAtStructure = (lookups.places.get(professional.nationalId) ?? []).some(
        (place) =>
          place.structureIdentifier === value ||
          place.finessSite === value ||
          place.siret === value ||
          (transmitted.type === "SIREN" && place.siret?.slice(0, 9) === value),
      );
    }
  }
  return facts;
}

/** Evaluates every address of the structures; `keepIssues` false only counts (the structure's home). */
export async function evaluateFeed(
  { feed, referential }: { feed: FeedReportRepository; referential: ReferentialRepository },
  structures: FeedStructure[],
  { keepIssues, daughters, now = new Date() }: { keepIssues: boolean; daughters: boolean; now?: Date },
): Promise<FeedEvaluation> {
  const byId = new Map(structures.map((structure) => [structure.id, structure]));
  const loaded = await referential.loaded();
  const evaluation: FeedEvaluation = {
    structure: structures[0] as FeedStructure,
    daughters,
    generatedAt: now,
    referentialLoaded: loaded,
    addresses: 0,
    blockedAddresses: 0,
    counts: { BLOCKING: 0, WARNING: 0 },
    countsByCode: new Map(),
    issues: [],
  };
  const ids = structures.map((structure) => structure.id);
  // the next batch is read while this one is looked up and checked
  let next: Promise<FeedAccountRow[]> | null = feed.accounts(ids, null);
  while (next) {
    const accounts: FeedAccountRow[] = await next;
    next = accounts.length === FEED_BATCH ? feed.accounts(ids, (accounts.at(-1) as FeedAccountRow).id) : null;
    // awaited at the next turn; until then a failure must not count as unhandled
    next?.catch(() => undefined);
    if (accounts.length === 0) break;

    const transmitted = accounts.map((account) => transmittedStructure(account, byId.get(account.structureId)));
    const lookups = {
      byRpps: new Map<string, RefProfessionalRow>(),
      byAdeli: new Map<string, RefProfessionalRow>(),
      structures: [] as RefStructureRow[],
      places: new Map<string, RefPlaceRow[]>(),
    };
    if (loaded) {
      const rpps = new Set<string>();
      const adeli = new Set<string>();
      for (const account of accounts) {
        if (account.type !== "PER") continue;
        if (account.rpps) rpps.add(account.rpps);
        else if (account.adeli) adeli.add(account.adeli);
      }
      const identifiers = new Set<string>();
      const sirens = new Set<string>();
      for (const structure of transmitted) {
        if (!structure) continue;
        identifiers.add(structure.value);
        if (structure.type === "SIREN") sirens.add(structure.value);
      }
      const [professionals, refStructures] = await Promise.all([
        referential.professionals([...rpps], [...adeli]),
        referential.structuresByIdentifier([...identifiers], [...sirens]),
      ]);
      // a number listed twice (a superseded row and a current one): the current one answers
      const prefer = (map: Map<string, RefProfessionalRow>, key: string | null, row: RefProfessionalRow) => {
        if (!key) return;
        const known = map.get(key);
        if (!known || (!known.isCurrent && row.isCurrent)) map.set(key, row);
      };
      for (const professional of professionals) {
        prefer(lookups.byRpps, professional.rpps, professional);
        prefer(lookups.byAdeli, professional.adeli, professional);
      }
      lookups.structures = refStructures;
      for (const place of await referential.practicePlaces(professionals.map((p) => p.nationalId))) {
        const list = lookups.places.get(place.nationalId);
        if (list) list.push(place);
        else lookups.places.set(place.nationalId, [place]);
      }
    }

    accounts.forEach((account, index) => {
      evaluation.addresses++;
      const structure = transmitted[index] ?? null;
      const subject: FeedSubject = {
        type: account.type,
        lastName: account.lastName,
        firstName: account.firstName,
        rpps: account.rpps,
        adeli: account.adeli,
        responsibleLastName: account.responsibleLastName,
        responsibleFirstName: account.responsibleFirstName,
        description: account.description,
        structure,
      };
      const codes = feedIssues(subject, factsFor(account, structure, loaded, lookups));
      if (codes.length === 0) return;
      if (isBlocked(codes)) evaluation.blockedAddresses++;
      for (const code of codes) {
        const severity = FEED_RULES[code].severity;
        evaluation.counts[severity]++;
        evaluation.countsByCode.set(code, (evaluation.countsByCode.get(code) ?? 0) + 1);
        if (keepIssues) {
          evaluation.issues.push({
            accountId: account.id,
            structureId: account.structureId,
            structureName: byId.get(account.structureId)?.name ?? "",
            email: account.email,
            mssAddress: account.address,
            lastName: account.lastName,
            firstName: account.firstName,
            type: account.type,
            code,
            severity,
            sortName: account.sortName,
          });
        }
      }
    });
  }
  evaluation.issues.sort(compareIssues);
  return evaluation;
}

/** The codes met, blocking first then by code, with their counts. */
export function countsByCode(evaluation: FeedEvaluation) {
  return [...evaluation.countsByCode.entries()]
    .map(([code, count]) => ({ code, severity: FEED_RULES[code].severity, count }))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.code.localeCompare(b.code));
}

export function createFeedReportService({ db, scope }: { db: DbTx; scope: Scope }) {
  const repositories = { feed: createFeedReportRepository(db), referential: createReferentialRepository(db) };

  return {
    /** Checks the caller may read the structure (404 otherwise), then evaluates the whole report. */
    async evaluate(principal: Principal, structureId: string, daughters: boolean, now = new Date()) {
      await scope.require(principal, "read", structureId);
      const structures = await repositories.feed.structures(structureId, daughters);
      return evaluateFeed(repositories, structures, { keepIssues: true, daughters, now });
    },

    async report(principal: Principal, structureId: string, daughters: boolean): Promise<FeedReport> {
      const evaluation = await this.evaluate(principal, structureId, daughters);
      const shown = { BLOCKING: 0, WARNING: 0 };
      const rows: FeedReportRow[] = [];
      for (const { sortName: _sortName, ...row } of evaluation.issues) {
        if (shown[row.severity]++ < ROWS_SHOWN) rows.push(row);
      }
      const byCode = countsByCode(evaluation);
      return {
        structureId,
        structureName: evaluation.structure.name,
        daughters,
        generatedAt: evaluation.generatedAt.toISOString(),
        referentialLoaded: evaluation.referentialLoaded,
        addresses: evaluation.addresses,
        blockedAddresses: evaluation.blockedAddresses,
        counts: evaluation.counts,
        countsByCode: byCode,
        rules: byCode.map(({ code }) => ({ ...FEED_RULES[code] })),
        rows,
        rowsLimit: ROWS_SHOWN,
        truncated: rows.length < evaluation.issues.length,
      };
    },

    /**
     * The counts of the structure's home (the structure alone, as the rest of the home): the same evaluation
     * without keeping the rows. The caller has already checked the scope.
     */
    async counts(structureId: string): Promise<FeedReportCounts> {
      const structures = await repositories.feed.structures(structureId, false);
      if (structures.length === 0) return { blocking: 0, warning: 0, referentialLoaded: false };
      const evaluation = await evaluateFeed(repositories, structures, { keepIssues: false, daughters: false });
      return {
        blocking: evaluation.counts.BLOCKING,
        warning: evaluation.counts.WARNING,
        referentialLoaded: evaluation.referentialLoaded,
      };
    },
  };
}
export type FeedReportService = ReturnType<typeof createFeedReportService>;
