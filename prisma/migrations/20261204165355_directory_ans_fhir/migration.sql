-- AlterEnum
ALTER TYPE "PublicationStatus" ADD VALUE 'REJECTED';

-- AlterTable
ALTER TABLE "mss_address" ADD COLUMN     "published_carrier" VARCHAR(300),
ADD COLUMN     "rejected_at" TIMESTAMPTZ(3),
ADD COLUMN     "rejection_code" VARCHAR(100),
ADD COLUMN     "rejection_message" TEXT;

-- AlterTable
ALTER TABLE "directory_publication" ADD COLUMN     "rejected" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "directory_feed_entry" ADD COLUMN     "rejected_code" VARCHAR(100),
ADD COLUMN     "rejected_message" TEXT;

-- AlterTable
ALTER TABLE "directory_withdrawal" ADD COLUMN     "carrier" VARCHAR(300);

-- A deletion goes to the resource that carried the mailbox: the withdrawal keeps it.
CREATE OR REPLACE FUNCTION directory_withdrawal_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO directory_withdrawal (id, address, account_id, type, carrier)
  VALUES (gen_random_uuid(), OLD.published_address, OLD.account_id, OLD.published_type, OLD.published_carrier);
  RETURN NULL;
END $$;

-- Liste rouge is now published (listeRouge = true) instead of withdrawn: the addresses withdrawn for it go out again.
UPDATE mss_address SET publication_status = 'PENDING' WHERE publication_status = 'WITHDRAWN' AND NOT listed;
