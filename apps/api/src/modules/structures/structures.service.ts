import type { StructureDetail, StructureSummary } from "@medimail/contracts/structures";
import { ancestorsOf, indexParents } from "@medimail/domain/structure-tree";
import { notFound } from "../../lib/errors.ts";
import type { StructuresRepository } from "./structures.repository.ts";

export function createStructuresService({ repository }: { repository: StructuresRepository }) {
  return {
    async list(): Promise<StructureSummary[]> {
      const rows = await repository.listWithCounts();
      return rows.map(({ kind: _kind, mssDomain: _domain, ...summary }) => summary);
    },

    async get(id: string): Promise<StructureDetail> {
      const rows = await repository.listWithCounts();
      const structure = rows.find((row) => row.id === id);
      if (!structure) throw notFound("Structure introuvable");
      const names = new Map(rows.map((row) => [row.id, row.name]));
      const ancestors = ancestorsOf(id, indexParents(rows))
        .reverse()
        .map((ancestorId) => ({ id: ancestorId, name: names.get(ancestorId) ?? "" }));
      return { ...structure, ancestors };
    },
  };
}
export type StructuresService = ReturnType<typeof createStructuresService>;
