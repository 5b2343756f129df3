-- AlterTable
ALTER TABLE "account" ADD COLUMN     "lock_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "locked_until" TIMESTAMPTZ(3);
