-- CreateTable
CREATE TABLE "message_day_count" (
    "structure_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "message_day_count_pkey" PRIMARY KEY ("structure_id","day")
);

-- AddForeignKey
ALTER TABLE "message_day_count" ADD CONSTRAINT "message_day_count_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Kept by statement-level triggers with transition tables, like structure_account_count: the mail platform's load
-- of 10,000 log lines updates each (structure, day) once. New lines are added by one upsert of per-(structure, day)
-- sums in key order (two loads lock rows in the same order); removed lines are subtracted from the rows that exist
-- (when a structure is deleted, its rows may already be gone with it: nothing to subtract from, nothing recreated).
CREATE FUNCTION message_day_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE message_day_count c
       SET sent = c.sent - gone.sent, received = c.received - gone.received
      FROM (
        SELECT structure_id, (sent_at AT TIME ZONE 'Europe/Paris')::date AS day,
               count(*) FILTER (WHERE direction = 'SENT') AS sent,
               count(*) FILTER (WHERE direction = 'RECEIVED') AS received
          FROM old_rows GROUP BY 1, 2
      ) gone
     WHERE c.structure_id = gone.structure_id AND c.day = gone.day;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO message_day_count (structure_id, day, sent, received)
    SELECT structure_id, (sent_at AT TIME ZONE 'Europe/Paris')::date,
           count(*) FILTER (WHERE direction = 'SENT'), count(*) FILTER (WHERE direction = 'RECEIVED')
      FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (structure_id, day) DO UPDATE
       SET sent = message_day_count.sent + EXCLUDED.sent, received = message_day_count.received + EXCLUDED.received;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER message_day_count_after_insert AFTER INSERT ON message
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION message_day_count_apply();
CREATE TRIGGER message_day_count_after_delete AFTER DELETE ON message
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION message_day_count_apply();
CREATE TRIGGER message_day_count_after_update AFTER UPDATE ON message
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION message_day_count_apply();

INSERT INTO message_day_count (structure_id, day, sent, received)
SELECT structure_id, (sent_at AT TIME ZONE 'Europe/Paris')::date,
       count(*) FILTER (WHERE direction = 'SENT'), count(*) FILTER (WHERE direction = 'RECEIVED')
  FROM message GROUP BY 1, 2;
