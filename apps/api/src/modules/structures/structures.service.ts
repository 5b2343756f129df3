import type { StructureDetail, StructureSummary } from "@medimail/contracts/structures";
import { ancestorsOf, indexParents } from "@medimail/domain/structure-tree";
import { notFound } from "../../lib/errors.ts";
import type { StructuresRepository } from "./structures.repository.ts";

export function createStructuresService({ repository }: { repository: StructuresRepository }) {
  return {
    list(): Promise<StructureSummary[]> {
      return repository.listWithCounts();
    },

    async get(id: string): Promise<StructureDetail> {
      const [rows, identity] = await Promise.all([repository.listWithCounts(), repository.findIdentity(id)]);
      const summary = rows.find((row) => row.id === id);
      if (!summary || !identity) throw notFound("Structure introuvable");
      const names = new Map(rows.map((row) => [row.id, row.name]));
      const ancestors = ancestorsOf(id, indexParents(rows))
        .reverse()
        .map((ancestorId) => ({ id: ancestorId, name: names.get(ancestorId) ?? "" }));
      return { ...summary, ...identity, ancestors };
    },
  };
}
export type StructuresService = ReturnType<typeof createStructuresService>;
