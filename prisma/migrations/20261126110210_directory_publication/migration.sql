-- DropIndex
DROP INDEX "mss_address_publication_status_idx";

-- AlterTable
ALTER TABLE "mss_address" ADD COLUMN     "published_digest" VARCHAR(64);

-- AlterTable
ALTER TABLE "directory_publication" ADD COLUMN     "error" TEXT;

-- AlterTable
ALTER TABLE "directory_feed_entry" ADD COLUMN     "batch" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "sent_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "directory_held_entry" (
    "publication_id" UUID NOT NULL,
    "address" VARCHAR(254) NOT NULL,
    "account_id" UUID NOT NULL,
    "codes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "directory_held_entry_pkey" PRIMARY KEY ("publication_id","address")
);

-- CreateTable
CREATE TABLE "directory_withdrawal" (
    "id" UUID NOT NULL,
    "address" VARCHAR(254) NOT NULL,
    "account_id" UUID NOT NULL,
    "type" "AccountType" NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publication_id" UUID,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "directory_withdrawal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "directory_withdrawal_published_at_id_idx" ON "directory_withdrawal"("published_at", "id");

-- CreateIndex
CREATE INDEX "directory_withdrawal_publication_id_idx" ON "directory_withdrawal"("publication_id");

-- CreateIndex
CREATE INDEX "mss_address_publication_status_id_idx" ON "mss_address"("publication_status", "id");

-- CreateIndex
CREATE INDEX "directory_feed_entry_publication_id_batch_idx" ON "directory_feed_entry"("publication_id", "batch");

-- AddForeignKey
ALTER TABLE "directory_held_entry" ADD CONSTRAINT "directory_held_entry_publication_id_fkey" FOREIGN KEY ("publication_id") REFERENCES "directory_publication"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_withdrawal" ADD CONSTRAINT "directory_withdrawal_publication_id_fkey" FOREIGN KEY ("publication_id") REFERENCES "directory_publication"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A correspondence deleted while the directory holds its address leaves a withdrawal for the next publication.
-- A trigger rather than application code so that no path forgets it: the correspondence screen, a type change to
-- MED and an account's deletion (whose cascade removes the address) all go through it.
CREATE FUNCTION directory_withdrawal_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO directory_withdrawal (id, address, account_id, type)
  VALUES (gen_random_uuid(), OLD.published_address, OLD.account_id, OLD.published_type);
  RETURN NULL;
END $$;

CREATE TRIGGER mss_address_directory_withdrawal
  AFTER DELETE ON mss_address
  FOR EACH ROW
  WHEN (OLD.published_address IS NOT NULL AND OLD.published_type IS NOT NULL)
  EXECUTE FUNCTION directory_withdrawal_on_delete();
