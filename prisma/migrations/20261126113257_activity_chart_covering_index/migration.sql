-- DropIndex
DROP INDEX "message_structure_id_sent_at_idx";

-- CreateIndex
CREATE INDEX "message_structure_id_sent_at_direction_idx" ON "message"("structure_id", "sent_at" DESC, "direction");
