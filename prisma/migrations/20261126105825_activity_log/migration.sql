-- AlterTable
ALTER TABLE "export_request" ADD COLUMN     "claimed_by" VARCHAR(64),
ADD COLUMN     "lease_until" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "message_sender_sent_at_idx" ON "message"("sender", "sent_at" DESC);

-- CreateIndex
CREATE INDEX "message_recipients_idx" ON "message" USING GIN ("recipients");
