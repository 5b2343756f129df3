-- AlterTable
ALTER TABLE "outbox_mail" ADD COLUMN     "claimed_by" UUID;
