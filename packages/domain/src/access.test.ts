import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canOnPlatform,
  decide,
  hasConsoleAccess,
  type Principal,
  principalRole,
  privilegedAccountRefusal,
  structureAccess,
  visibleStructureIds,
} from "./access.ts";
import { ancestorsOf, indexParents } from "./structure-tree.ts";

// gip ─┬─ ght ─┬─ purpan
//      │       └─ rangueil
//      └─ castres
const parents = indexParents([
  { id: "gip", parentId: null },
  { id: "ght", parentId: "gip" },
  { id: "purpan", parentId: "ght" },
  { id: "rangueil", parentId: "ght" },
  { id: "castres", parentId: "gip" },
]);
const ancestry = (id: string) => [id, ...ancestorsOf(id, parents)];

const nobody: Principal = {
  accountId: "a",
  platformRole: null,
  administeredStructureIds: [],
  supportStructureIds: [],
};
const operator: Principal = { ...nobody, platformRole: "OPERATOR" };
const ghtAdmin: Principal = { ...nobody, administeredStructureIds: ["ght"] };
const castresSupport: Principal = { ...nobody, platformRole: "SUPPORT", supportStructureIds: ["castres"] };

describe("structure access through the tree", () => {
  it("gives an administrator his structure and every descendant, never an ancestor or a sibling", () => {
    expect(structureAccess(ghtAdmin, ancestry("ght"))).toBe("administer");
    expect(structureAccess(ghtAdmin, ancestry("purpan"))).toBe("administer");
    expect(structureAccess(ghtAdmin, ancestry("rangueil"))).toBe("administer");
    expect(structureAccess(ghtAdmin, ancestry("gip"))).toBe("none");
    expect(structureAccess(ghtAdmin, ancestry("castres"))).toBe("none");
  });

  it("gives support read access below its grants only", () => {
    expect(structureAccess(castresSupport, ancestry("castres"))).toBe("read");
    expect(structureAccess(castresSupport, ancestry("ght"))).toBe("none");
  });

  it("gives operators everything", () => {
    for (const id of parents.keys()) expect(structureAccess(operator, ancestry(id))).toBe("administer");
  });

  it("answers not-found outside the scope and forbidden for a read-only write", () => {
    expect(decide(ghtAdmin, "read", ancestry("castres"))).toBe("not-found");
    expect(decide(ghtAdmin, "administer", ancestry("castres"))).toBe("not-found");
    expect(decide(castresSupport, "read", ancestry("castres"))).toBe("allow");
    expect(decide(castresSupport, "administer", ancestry("castres"))).toBe("forbidden");
    expect(decide(ghtAdmin, "administer", ancestry("purpan"))).toBe("allow");
    expect(decide(operator, "administer", [])).toBe("not-found");
  });

  it("lists the visible structures by walking down from each grant", () => {
    expect([...visibleStructureIds(ghtAdmin, parents)].sort()).toEqual(["ght", "purpan", "rangueil"]);
    expect([...visibleStructureIds(castresSupport, parents)]).toEqual(["castres"]);
    expect(visibleStructureIds(operator, parents).size).toBe(5);
    expect(visibleStructureIds(nobody, parents).size).toBe(0);
    expect(visibleStructureIds({ ...nobody, administeredStructureIds: ["deleted"] }, parents).size).toBe(0);
  });

  it("agrees with the per-object check for any grants (the list never shows what the detail refuses)", () => {
    const ids = [...parents.keys()];
    fc.assert(
      fc.property(fc.subarray(ids), fc.subarray(ids), (administered, supported) => {
        const principal: Principal = {
          ...nobody,
          administeredStructureIds: administered,
          supportStructureIds: supported,
        };
        const visible = visibleStructureIds(principal, parents);
        for (const id of ids) expect(visible.has(id)).toBe(structureAccess(principal, ancestry(id)) !== "none");
      }),
    );
  });
});

describe("platform actions and roles", () => {
  it("keeps platform settings, running jobs and unlocking to operators", () => {
    for (const action of ["structures.platform-settings", "jobs.run", "accounts.unlock"] as const) {
      expect(canOnPlatform(operator, action)).toBe(true);
      expect(canOnPlatform(ghtAdmin, action)).toBe(false);
      expect(canOnPlatform(castresSupport, action)).toBe(false);
    }
    expect(canOnPlatform(castresSupport, "jobs.read")).toBe(true);
    expect(canOnPlatform(ghtAdmin, "jobs.read")).toBe(false);
  });

  it("opens the console to operators, administrators and support only", () => {
    expect(hasConsoleAccess(nobody)).toBe(false);
    expect(hasConsoleAccess(operator)).toBe(true);
    expect(hasConsoleAccess(ghtAdmin)).toBe(true);
    expect(hasConsoleAccess(castresSupport)).toBe(true);
    expect(principalRole(nobody)).toBeNull();
    expect(principalRole(operator)).toBe("OPERATOR");
    expect(principalRole({ ...ghtAdmin, supportStructureIds: ["castres"] })).toBe("ADMINISTRATOR");
    expect(principalRole(castresSupport)).toBe("SUPPORT");
  });
});

describe("changing an account that holds rights", () => {
  const plain = { platformRole: null, administeredAncestries: [], hasSupportGrants: false };
  const adminOf = (...ids: string[]) => ({ ...plain, administeredAncestries: ids.map(ancestry) });

  it("lets an administrator change a plain account or one that administers inside his scope", () => {
    expect(privilegedAccountRefusal(ghtAdmin, plain)).toBeNull();
    expect(privilegedAccountRefusal(ghtAdmin, adminOf("ght"))).toBeNull();
    expect(privilegedAccountRefusal(ghtAdmin, adminOf("purpan", "rangueil"))).toBeNull();
  });

  it("refuses when the account administers any structure outside the caller's scope (a sibling, an ancestor)", () => {
    expect(privilegedAccountRefusal(ghtAdmin, adminOf("castres"))).toBe("administers-beyond-scope");
    expect(privilegedAccountRefusal(ghtAdmin, adminOf("purpan", "castres"))).toBe("administers-beyond-scope");
    expect(privilegedAccountRefusal(ghtAdmin, adminOf("gip"))).toBe("administers-beyond-scope");
    const purpanAdmin: Principal = { ...nobody, administeredStructureIds: ["purpan"] };
    expect(privilegedAccountRefusal(purpanAdmin, adminOf("ght"))).toBe("administers-beyond-scope");
  });

  it("keeps operator and support accounts to operators", () => {
    expect(privilegedAccountRefusal(ghtAdmin, { ...plain, platformRole: "SUPPORT" })).toBe("platform-role");
    expect(privilegedAccountRefusal(ghtAdmin, { ...plain, platformRole: "OPERATOR" })).toBe("platform-role");
    expect(privilegedAccountRefusal(ghtAdmin, { ...plain, hasSupportGrants: true })).toBe("platform-role");
    expect(privilegedAccountRefusal(castresSupport, plain)).toBeNull();
  });

  it("lets an operator change anyone", () => {
    expect(privilegedAccountRefusal(operator, { ...adminOf("gip", "castres"), platformRole: "OPERATOR" })).toBeNull();
  });

  it("never lets a caller change an account that can do more than he can (property)", () => {
    const ids = [...parents.keys()];
    fc.assert(
      fc.property(fc.subarray(ids), fc.subarray(ids), (callerGrants, targetGrants) => {
        const caller: Principal = { ...nobody, administeredStructureIds: callerGrants };
        const allowed = privilegedAccountRefusal(caller, adminOf(...targetGrants)) === null;
        const covered = targetGrants.every((id) => structureAccess(caller, ancestry(id)) === "administer");
        expect(allowed).toBe(covered);
      }),
    );
  });
});
