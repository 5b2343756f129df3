import type { StructureDetail, StructureSummary } from "@medimail/contracts/structures";
import { type Principal, visibleStructureIds } from "@medimail/domain/access";
import { ancestorsOf, indexParents } from "@medimail/domain/structure-tree";
import { notFound } from "../../lib/errors.ts";
import type { StructureRow, StructuresRepository } from "./structures.repository.ts";

/**
 * The structures of the caller's scope. A structure whose parent is outside the scope is a root of the
 * caller's tree: neither its parent's id nor its name is given (the caller has no right to know it), only that
 * there is one (`parentOutsideScope`, shown as "Structure hors de votre périmètre").
 */
function inScope(rows: StructureRow[], principal: Principal): StructureSummary[] {
  const visible = visibleStructureIds(principal, indexParents(rows));
  return rows
    .filter((row) => visible.has(row.id))
    .map((row) =>
      row.parentId && !visible.has(row.parentId)
        ? { ...row, parentId: null, parentName: null, parentOutsideScope: true }
        : { ...row, parentOutsideScope: false },
    );
}

export function createStructuresService({ repository }: { repository: StructuresRepository }) {
  return {
    async list(principal: Principal): Promise<StructureSummary[]> {
      return inScope(await repository.listWithCounts(), principal);
    },

    /** One structure of the scope with its ancestors as far as the caller may see them (breadcrumb). */
    async get(principal: Principal, id: string): Promise<StructureDetail> {
      const [rows, identity] = await Promise.all([repository.listWithCounts(), repository.findIdentity(id)]);
      const visible = inScope(rows, principal);
      const summary = visible.find((row) => row.id === id);
      if (!summary || !identity) throw notFound("Structure introuvable");
      const names = new Map(visible.map((row) => [row.id, row.name]));
      const ancestors = ancestorsOf(id, indexParents(visible))
        .reverse()
        .map((ancestorId) => ({ id: ancestorId, name: names.get(ancestorId) ?? "" }));
      return { ...summary, ...identity, ancestors };
    },
  };
}
export type StructuresService = ReturnType<typeof createStructuresService>;
