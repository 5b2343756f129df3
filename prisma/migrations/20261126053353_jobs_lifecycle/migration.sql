-- CreateEnum
CREATE TYPE "JobTrigger" AS ENUM ('CRON', 'MANUAL');

-- CreateEnum
CREATE TYPE "DeletionReason" AS ENUM ('INACTIVITY', 'REJECTION_PURGE');

-- DropIndex
DROP INDEX "job_run_name_started_at_idx";

-- AlterTable
ALTER TABLE "job_run" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "requested_by" UUID,
ADD COLUMN     "scheduled_for" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "trigger" "JobTrigger" NOT NULL DEFAULT 'CRON',
ALTER COLUMN "status" SET DEFAULT 'PENDING',
ALTER COLUMN "started_at" DROP NOT NULL,
ALTER COLUMN "started_at" DROP DEFAULT;

-- CreateTable
CREATE TABLE "deleted_account" (
    "id" UUID NOT NULL,
    "reason" "DeletionReason" NOT NULL,
    "structure_id" UUID NOT NULL,
    "type" "AccountType" NOT NULL,
    "email" VARCHAR(254),
    "last_name" VARCHAR(100),
    "first_name" VARCHAR(100),
    "last_activity_at" TIMESTAMPTZ(3),
    "mss_address" VARCHAR(254),
    "deleted_at" TIMESTAMPTZ(3) NOT NULL,
    "directory_withdrawn_at" TIMESTAMPTZ(3),

    CONSTRAINT "deleted_account_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "deleted_account_structure_id_deleted_at_idx" ON "deleted_account"("structure_id", "deleted_at");

-- CreateIndex
CREATE INDEX "job_run_status_created_at_idx" ON "job_run"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "job_run_name_scheduled_for_key" ON "job_run"("name", "scheduled_for");
