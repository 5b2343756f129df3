-- AlterTable
ALTER TABLE "email_change_request" ADD COLUMN     "cancel_token_hash" TEXT;
