import { z } from "zod";
import { listOf, Uuid } from "./common.ts";
import { StructureIdentifierType } from "./enums.ts";

/** A row of the structure picker ("Sélectionner la structure à administrer"). */
export const StructureSummary = z.object({
  id: Uuid,
  name: z.string(),
  parentId: Uuid.nullable(),
  /** null for a root, and for a mother outside the caller's scope (whose name he may not know) */
  parentName: z.string().nullable(),
  /** the structure has a mother, outside the caller's scope: the UI shows "Structure hors de votre périmètre" */
  parentOutsideScope: z.boolean(),
  /** accounts of this structure itself (its daughters have their own row) */
  totalUsers: z.number().int().nonnegative(),
  adminCount: z.number().int().nonnegative(),
  childCount: z.number().int().nonnegative(),
});
export type StructureSummary = z.infer<typeof StructureSummary>;

export const StructureListResponse = listOf(StructureSummary);
export type StructureListResponse = z.infer<typeof StructureListResponse>;

export const StructureDetail = StructureSummary.extend({
  kind: z.string().nullable(),
  identifierType: StructureIdentifierType.nullable(),
  identifier: z.string().nullable(),
  mssDomain: z.string().nullable(),
  postcode: z.string().nullable(),
  city: z.string().nullable(),
  /** from the root down to the parent, for the breadcrumb */
  ancestors: z.array(z.object({ id: Uuid, name: z.string() })),
});
export type StructureDetail = z.infer<typeof StructureDetail>;
