-- AlterTable
ALTER TABLE "session" ADD COLUMN     "factor_failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reauthenticated_at" TIMESTAMPTZ(3);
