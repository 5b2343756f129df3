// Who may do what, where. One permission layer for every route: the API loads the caller (a Principal) and
// the target's ancestry from the database, then asks these pure functions. Nothing here touches I/O.
import { type ParentIndex, subtreeOf } from "./structure-tree.ts";

export type PlatformRole = "OPERATOR" | "SUPPORT";

/** The signed-in caller, as the permission layer sees them. */
export interface Principal {
  accountId: string;
  platformRole: PlatformRole | null;
  /** structures the caller administers (each with all its descendants) */
  administeredStructureIds: readonly string[];
  /** structures the caller may read as support (each with all its descendants) */
  supportStructureIds: readonly string[];
}

/** The console is for operators, support staff and structure administrators, not for every account holder. */
export function hasConsoleAccess(principal: Principal): boolean {
  return (
    principal.platformRole !== null ||
    principal.administeredStructureIds.length > 0 ||
    principal.supportStructureIds.length > 0
  );
}

/** What the caller may do on one structure: administer it, only read it, or nothing (it does not exist for them). */
export type StructureAccess = "administer" | "read" | "none";

/**
 * Access to a structure, given its ancestry (the structure itself first, then its parent, up to the root).
 * An administrator of a structure administers every descendant, never an ancestor or a sibling.
 */
export function structureAccess(principal: Principal, ancestry: readonly string[]): StructureAccess {
  if (ancestry.length === 0) return "none";
  if (principal.platformRole === "OPERATOR") return "administer";
  if (ancestry.some((id) => principal.administeredStructureIds.includes(id))) return "administer";
  if (ancestry.some((id) => principal.supportStructureIds.includes(id))) return "read";
  return "none";
}

export type Need = "read" | "administer";

/**
 * The answer a route gives for an object of that structure: outside the caller's scope it does not exist (404,
 * so that ids cannot be probed); inside but read-only, a write is forbidden (403).
 */
export function decide(
  principal: Principal,
  need: Need,
  ancestry: readonly string[],
): "allow" | "forbidden" | "not-found" {
  const access = structureAccess(principal, ancestry);
  if (access === "none") return "not-found";
  if (need === "administer" && access !== "administer") return "forbidden";
  return "allow";
}

/** Actions that belong to the platform, not to one structure. */
export type PlatformAction =
  /** create a structure, set its parent, MSSanté domain, quotas, auto-enrolment, Office 365 quota */
  | "structures.platform-settings"
  /** read the scheduled jobs and their runs */
  | "jobs.read"
  /** run a job now */
  | "jobs.run"
  /** lift an account's sign-in lockout */
  | "accounts.unlock"
  /** import the national directory's extraction (the visibility check) */
  | "directory.extraction";

export function canOnPlatform(principal: Principal, action: PlatformAction): boolean {
  switch (action) {
    case "jobs.read":
      return principal.platformRole === "OPERATOR" || principal.platformRole === "SUPPORT";
    case "structures.platform-settings":
    case "jobs.run":
    case "accounts.unlock":
    case "directory.extraction":
      return principal.platformRole === "OPERATOR";
  }
}

/**
 * Every structure the caller may at least read, walking the tree down from each grant. Operators see all of
 * them. `parents` indexes every structure (id → parent id).
 */
export function visibleStructureIds(principal: Principal, parents: ParentIndex): Set<string> {
  if (principal.platformRole === "OPERATOR") return new Set(parents.keys());
  const visible = new Set<string>();
  for (const root of [...principal.administeredStructureIds, ...principal.supportStructureIds]) {
    if (!parents.has(root) || visible.has(root)) continue;
    for (const id of subtreeOf(root, parents)) visible.add(id);
  }
  return visible;
}

/** The caller's role as shown in the user menu (the strongest one). */
export type RoleLabel = "OPERATOR" | "ADMINISTRATOR" | "SUPPORT";

export function principalRole(principal: Principal): RoleLabel | null {
  if (principal.platformRole === "OPERATOR") return "OPERATOR";
  if (principal.administeredStructureIds.length > 0) return "ADMINISTRATOR";
  if (principal.platformRole === "SUPPORT" || principal.supportStructureIds.length > 0) return "SUPPORT";
  return null;
}

/**
 * What an account may do beyond its own mailbox, as the rule on changing accounts needs it: its platform role, the
 * structures it administers (each by its ancestry: itself first, up to the root) and whether it reads any as
 * support.
 */
export interface AccountRights {
  platformRole: PlatformRole | null;
  administeredAncestries: readonly (readonly string[])[];
  hasSupportGrants: boolean;
}

/** Why a change of a privileged account is refused: its platform role or support grants, or its administration. */
export type PrivilegedRefusal = "platform-role" | "administers-beyond-scope";

/**
 * Rights follow what an account can do, not only where it lives. Changing an account (its email, password,
 * state, type, structure, links) hands over whatever that account may do, so on top of administering the account's
 * own structure the caller must:
 * - be an operator, when the account is an operator or support (a platform role or support grants);
 * - administer every structure the account administers (an operator does).
 * null when the change is allowed on these grounds.
 */
export function privilegedAccountRefusal(principal: Principal, target: AccountRights): PrivilegedRefusal | null {
  if (principal.platformRole === "OPERATOR") return null;
  if (target.platformRole !== null || target.hasSupportGrants) return "platform-role";
  const covered = target.administeredAncestries.every(
    (ancestry) => structureAccess(principal, ancestry) === "administer",
  );
  return covered ? null : "administers-beyond-scope";
}
