-- CreateTable
CREATE TABLE "structure_account_count" (
    "structure_id" UUID NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "structure_account_count_pkey" PRIMARY KEY ("structure_id")
);

-- AddForeignKey
ALTER TABLE "structure_account_count" ADD CONSTRAINT "structure_account_count_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Kept by statement-level triggers with transition tables: a bulk import of 10,000 accounts updates each
-- structure's counter once, not 10,000 times. Every change is one upsert of per-structure deltas, in
-- structure_id order, so that two statements touching several structures lock counters in the same order.
CREATE FUNCTION structure_account_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO structure_account_count (structure_id, total)
    SELECT structure_id, count(*) FROM new_rows GROUP BY structure_id ORDER BY structure_id
    ON CONFLICT (structure_id) DO UPDATE SET total = structure_account_count.total + EXCLUDED.total;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO structure_account_count (structure_id, total)
    SELECT structure_id, -count(*) FROM old_rows GROUP BY structure_id ORDER BY structure_id
    ON CONFLICT (structure_id) DO UPDATE SET total = structure_account_count.total + EXCLUDED.total;
  ELSE
    -- UPDATE: only accounts moved to another structure change the counts
    INSERT INTO structure_account_count (structure_id, total)
    SELECT s, sum(delta) FROM (
      SELECT n.structure_id AS s, 1 AS delta FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE o.structure_id <> n.structure_id
      UNION ALL
      SELECT o.structure_id, -1 FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE o.structure_id <> n.structure_id
    ) moves
    GROUP BY s ORDER BY s
    ON CONFLICT (structure_id) DO UPDATE SET total = structure_account_count.total + EXCLUDED.total;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER account_count_after_insert AFTER INSERT ON account
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION structure_account_count_apply();
CREATE TRIGGER account_count_after_delete AFTER DELETE ON account
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION structure_account_count_apply();
CREATE TRIGGER account_count_after_update AFTER UPDATE ON account
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION structure_account_count_apply();

INSERT INTO structure_account_count (structure_id, total)
SELECT structure_id, count(*) FROM account GROUP BY structure_id;
