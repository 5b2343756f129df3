import type { DbTx, Prisma, Structure } from "@medimail/db/client";

/** MSSanté addresses in use in a structure, per type that has a quota. */
export async function mssQuotaUsage(db: DbTx, structureId: string): Promise<{ PER: number; ORG: number; APP: number }> {
  // "Personnel et personnel Interne" share the PER quota (guide, section 3)
  const rows = await db.$queryRaw<{ type: "PER" | "ORG" | "APP"; count: number }[]>`
    SELECT CASE WHEN a.type = 'INT' THEN 'PER' ELSE a.type::text END AS type, count(*)::int AS count
      FROM mss_address m JOIN account a ON a.id = m.account_id
     WHERE a.structure_id = ${structureId}::uuid AND a.type IN ('PER', 'INT', 'ORG', 'APP')
     GROUP BY 1`;
  const usage = { PER: 0, ORG: 0, APP: 0 };
  for (const row of rows) usage[row.type] = row.count;
  return usage;
}

export interface StructureRow {
  id: string;
  name: string;
  parentId: string | null;
  parentName: string | null;
  totalUsers: number;
  adminCount: number;
  childCount: number;
}

/** The structure's columns a settings block reads and writes. */
export type StructureField = Exclude<keyof Structure, "id" | "createdAt" | "updatedAt">;

/** The enrolment rule's columns shown on the settings page. */
const RULE_COLUMNS = {
  id: true,
  emailDomain: true,
  regionCode: true,
  departmentCode: true,
  postcode: true,
  city: true,
  profession: true,
  practiceStatus: true,
} as const;

export function createStructuresRepository(db: DbTx) {
  return {
    /**
     * Every structure with its parent's name and its counts, in one query (no query per node). Account totals
     * come from the trigger-kept structure_account_count, not from counting the accounts.
     */
    async listWithCounts(): Promise<StructureRow[]> {
      return db.$queryRaw<StructureRow[]>`
        SELECT s.id, s.name, s.parent_id AS "parentId", p.name AS "parentName",
               COALESCE(u.total, 0)::int AS "totalUsers",
               COALESCE(a.total, 0)::int AS "adminCount",
               COALESCE(c.total, 0)::int AS "childCount"
          FROM structure s
          LEFT JOIN structure p ON p.id = s.parent_id
          LEFT JOIN structure_account_count u ON u.structure_id = s.id
          LEFT JOIN (SELECT structure_id, count(*) AS total FROM structure_admin GROUP BY structure_id) a ON a.structure_id = s.id
          LEFT JOIN (SELECT parent_id, count(*) AS total FROM structure WHERE parent_id IS NOT NULL GROUP BY parent_id) c ON c.parent_id = s.id
         ORDER BY s.name, s.id`;
    },

    findIdentity(id: string) {
      return db.structure.findUnique({
        where: { id },
        select: { kind: true, identifierType: true, identifier: true, mssDomain: true, postcode: true, city: true },
      });
    },

    /** MSSanté addresses in use in the structure, per type that has a quota. */
    mssQuotaUsage: (structureId: string) => mssQuotaUsage(db, structureId),

    /** The whole structure row (404-free: the caller checked the scope first). */
    findById(id: string): Promise<Structure> {
      return db.structure.findUniqueOrThrow({ where: { id } });
    },

    /** A settings block's current values: the given columns only (the audit's "before"). */
    async findBlock<Field extends StructureField>(
      id: string,
      fields: readonly Field[],
    ): Promise<Pick<Structure, Field>> {
      const select = Object.fromEntries(fields.map((field) => [field, true]));
      return (await db.structure.findUniqueOrThrow({ where: { id }, select })) as unknown as Pick<Structure, Field>;
    },

    async updateBlock(id: string, data: Partial<Pick<Structure, StructureField>>): Promise<void> {
      await db.structure.update({ where: { id }, data });
    },

    enrolmentRules(structureId: string) {
      return db.enrolmentRule.findMany({ where: { structureId }, orderBy: { createdAt: "asc" }, select: RULE_COLUMNS });
    },

    addEnrolmentRule(
      structureId: string,
      data: Omit<Prisma.EnrolmentRuleUncheckedCreateInput, "id" | "structureId" | "createdAt">,
    ): Promise<{ id: string }> {
      return db.enrolmentRule.create({ data: { ...data, structureId }, select: { id: true } });
    },

    findEnrolmentRule(structureId: string, ruleId: string) {
      return db.enrolmentRule.findFirst({ where: { id: ruleId, structureId } });
    },

    async deleteEnrolmentRule(ruleId: string): Promise<void> {
      await db.enrolmentRule.delete({ where: { id: ruleId } });
    },
  };
}
export type StructuresRepository = ReturnType<typeof createStructuresRepository>;
