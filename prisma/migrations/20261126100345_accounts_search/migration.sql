-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- DropIndex
DROP INDEX "account_structure_id_state_last_name_first_name_id_idx";

-- AlterTable
ALTER TABLE "structure_account_count" ADD COLUMN     "pending_validation" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "preregistered" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rejected" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "validated" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "account" ADD COLUMN     "sort_name" VARCHAR(210) NOT NULL DEFAULT '',
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateIndex
CREATE INDEX "account_structure_id_state_sort_name_id_idx" ON "account"("structure_id", "state", "sort_name", "id");

-- CreateIndex
CREATE INDEX "account_structure_id_sort_name_id_idx" ON "account"("structure_id", "sort_name", "id");

-- CreateIndex
CREATE INDEX "account_state_sort_name_id_idx" ON "account"("state", "sort_name", "id");

-- CreateIndex
CREATE INDEX "account_search_text_trgm" ON "account" USING GIN ("search_text" gin_trgm_ops);

-- The counters now hold the totals per state (the tabs' counts). Same discipline as before: one upsert of
-- per-structure deltas per statement, in structure_id order; an UPDATE touches the counters only for accounts
-- that changed structure or state, so ordinary edits never wait on a counter row.
CREATE FUNCTION structure_account_count_add(structure_ids uuid[], states text[], deltas int[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO structure_account_count (structure_id, total, validated, pending_validation, preregistered, rejected)
  SELECT s, sum(d),
         coalesce(sum(d) FILTER (WHERE st = 'VALIDATED'), 0),
         coalesce(sum(d) FILTER (WHERE st = 'PENDING_VALIDATION'), 0),
         coalesce(sum(d) FILTER (WHERE st = 'PREREGISTERED'), 0),
         coalesce(sum(d) FILTER (WHERE st = 'REJECTED'), 0)
  FROM unnest(structure_ids, states, deltas) AS change(s, st, d)
  GROUP BY s ORDER BY s
  ON CONFLICT (structure_id) DO UPDATE SET
    total = structure_account_count.total + EXCLUDED.total,
    validated = structure_account_count.validated + EXCLUDED.validated,
    pending_validation = structure_account_count.pending_validation + EXCLUDED.pending_validation,
    preregistered = structure_account_count.preregistered + EXCLUDED.preregistered,
    rejected = structure_account_count.rejected + EXCLUDED.rejected
$$;

CREATE OR REPLACE FUNCTION structure_account_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM structure_account_count_add(array_agg(structure_id), array_agg(state::text), array_agg(1))
       FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM structure_account_count_add(array_agg(structure_id), array_agg(state::text), array_agg(-1))
       FROM old_rows;
  ELSE
    PERFORM structure_account_count_add(array_agg(x.s), array_agg(x.st::text), array_agg(x.d))
       FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (n.structure_id, n.state, 1), (o.structure_id, o.state, -1)) AS x(s, st, d)
      WHERE o.structure_id <> n.structure_id OR o.state <> n.state;
  END IF;
  RETURN NULL;
END $$;

UPDATE structure_account_count c SET
  validated = x.validated, pending_validation = x.pending_validation,
  preregistered = x.preregistered, rejected = x.rejected
FROM (
  SELECT structure_id,
         count(*) FILTER (WHERE state = 'VALIDATED') AS validated,
         count(*) FILTER (WHERE state = 'PENDING_VALIDATION') AS pending_validation,
         count(*) FILTER (WHERE state = 'PREREGISTERED') AS preregistered,
         count(*) FILTER (WHERE state = 'REJECTED') AS rejected
  FROM account GROUP BY structure_id
) x
WHERE x.structure_id = c.structure_id;

-- Existing accounts get a sort key (lower case; accents are folded by the application at their next save).
UPDATE account SET sort_name = lower(last_name || ' ' || first_name) WHERE sort_name = '';
