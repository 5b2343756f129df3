-- AlterTable
ALTER TABLE "ref_practice_place" ADD COLUMN     "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
