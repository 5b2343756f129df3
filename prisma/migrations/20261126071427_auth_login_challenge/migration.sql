-- CreateEnum
CREATE TYPE "LoginMethod" AS ENUM ('PASSWORD_EMAIL_CODE', 'PASSWORD_TOTP', 'PASSWORD_RECOVERY_CODE', 'EMAIL_CODE', 'PSC');

-- AlterEnum
ALTER TYPE "JobTrigger" ADD VALUE 'EVENT';

-- AlterTable
ALTER TABLE "account" ADD COLUMN     "totp_last_time_step" INTEGER;

-- AlterTable
ALTER TABLE "session" DROP COLUMN "mfa_passed",
ADD COLUMN     "method" "LoginMethod" NOT NULL;

-- CreateTable
CREATE TABLE "login_challenge" (
    "id" VARCHAR(64) NOT NULL,
    "account_id" UUID,
    "method" "LoginMethod" NOT NULL,
    "code_hash" VARCHAR(64),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "psc" JSONB,
    "link_to_account_id" UUID,
    "return_to" VARCHAR(500),
    "ip" VARCHAR(45),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_challenge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "login_challenge_account_id_created_at_idx" ON "login_challenge"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "login_challenge_expires_at_idx" ON "login_challenge"("expires_at");

-- AddForeignKey
ALTER TABLE "login_challenge" ADD CONSTRAINT "login_challenge_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
